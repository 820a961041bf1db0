/** The standard context window, and the larger one some models have or can be given. */
export const STANDARD_WINDOW = 200_000;
export const LARGE_WINDOW = 1_000_000;

/**
 * Model ids (as `message.model` records them, or a settings alias) whose
 * context window is 1M tokens without asking for it. Every other model has
 * 200k, or 1M when Claude Code asks for the larger window (the `[1m]` suffix
 * on the configured model).
 */
const LARGE_WINDOW_MODELS: readonly RegExp[] = [
  /^claude-opus-4-[6-9]/,
  /^claude-sonnet-4-[6-9]/,
  /^claude-(opus|sonnet)-[5-9]/,
  /^claude-(fable|mythos)-/,
  /^(opus|sonnet|fable)$/,
];

const ASKS_FOR_LARGE_WINDOW = /\[1m\]$/i;

export interface ContextWindow {
  readonly tokens: number;
  /** The model the window is for, as the transcript or the settings name it. */
  readonly model?: string;
  /** Why this window: the model's own, asked for in the settings, or seen in the file. */
  readonly reason: 'model' | 'settings' | 'observed' | 'default';
}

export interface WindowInputs {
  /** `message.model` of the last response sent. */
  readonly model?: string;
  /** The `model` of the user's Claude Code settings, if known. */
  readonly settingsModel?: string;
  /** The largest request the API is recorded to have accepted in this conversation. */
  readonly largestRecorded?: number;
}

/** The context window the resumed request must fit in. */
export function contextWindow({ model, settingsModel, largestRecorded }: WindowInputs): ContextWindow {
  if (settingsModel && ASKS_FOR_LARGE_WINDOW.test(settingsModel)) return { tokens: LARGE_WINDOW, model: settingsModel, reason: 'settings' };
  if (model && LARGE_WINDOW_MODELS.some((m) => m.test(model))) return { tokens: LARGE_WINDOW, model, reason: 'model' };
  // The API answered a request over the standard window: this conversation runs with the larger one.
  if (largestRecorded !== undefined && largestRecorded > STANDARD_WINDOW) return { tokens: LARGE_WINDOW, model, reason: 'observed' };
  return { tokens: STANDARD_WINDOW, model, reason: model ? 'model' : 'default' };
}
