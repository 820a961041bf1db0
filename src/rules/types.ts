import type { ApiView, ViewBlock, ViewMessage } from '../conversation/apiView.js';
import type { Graph } from '../conversation/graph.js';
import type { Edit } from '../edit/types.js';
import type { Doc } from '../transcript/document.js';
import type { BudgetOptions } from '../budget/budget.js';

export type Severity = 'error' | 'warning' | 'info';
export type Provider = 'anthropic' | 'bedrock' | 'vertex';
export const PROVIDERS: readonly Provider[] = ['anthropic', 'bedrock', 'vertex'];

export interface Fix {
  readonly label: string;
  /** Safe fixes keep all conversation content that is sent; `fix` applies only these. */
  readonly safe: boolean;
  readonly edits: readonly Edit[];
}

export interface Diagnostic {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** The API's error.message this predicts, if the API rejects it. */
  readonly apiError?: string;
  /** Position of the line in doc.lines (0-based) and its 1-based line number. */
  readonly pos: number;
  readonly line: number;
  readonly key: number;
  /** 1-based message of the API view, when the problem is inside one. */
  readonly turn?: number;
  /** Index of the block among the line's blocks. */
  readonly block?: number;
  readonly fixes: readonly Fix[];
  /** What an error costs (see Finding.effect). */
  readonly effect?: Effect;
  /** Which Claude Code versions it affects: those whose request it breaks, and those that patch it on the way. */
  readonly clients?: { readonly breaks: readonly string[]; readonly patches: readonly string[] };
}

export interface RuleContext {
  readonly doc: Doc;
  readonly graph: Graph;
  /** The request one client generation would send, or its lines as written (see analyze). */
  readonly view: ApiView;
  readonly provider: Provider;
  /** Whose conversation the document is: lines a fix adds to a subagent's transcript belong to its side chain. */
  readonly conversation: 'main' | 'subagent';
  /** Which part of the conversation this view is: only `active` is sent. */
  readonly segment: 'active' | 'pre-compact';
  /** What the request's size is measured against: the configured model, the counts as loaded (see src/budget). */
  readonly budget?: BudgetOptions;
}

/** The folder a rule's file is in (`src/rules/<family>/<id>.ts`). */
export type Family = 'tools' | 'text' | 'thinking' | 'roles' | 'encoding' | 'media' | 'request' | 'chain';

/**
 * Where a finding is: a view block (its line, block and message), a message
 * (its first line), or a line by position, in message `message` when given.
 */
export type At = ViewBlock | ViewMessage | { readonly pos: number; readonly message?: number };

/**
 * The providers that let a rejected shape through, as data: report() settles
 * the severity from it (the others, and strict proxies, reject it).
 */
export interface Tolerance {
  readonly providers: readonly Provider[];
}

/** What a rule reports; report() turns it into a Diagnostic. */
export interface Finding {
  readonly at: At;
  /** What the API does with it where nobody lets it through: `error` when it rejects the request. */
  readonly severity: Severity;
  readonly message: string;
  /** The API's error.message, if it rejects it. */
  readonly apiError?: string;
  readonly fixes?: readonly Fix[];
  readonly tolerated?: Tolerance;
  /**
   * What an error costs: the API `rejects` the request (the default), or the
   * client `loses` conversation the file holds (it resumes less than is there).
   */
  readonly effect?: Effect;
}

export type Effect = 'rejects' | 'loses';

export type Report = (finding: Finding) => void;

/** What a rule says about itself. */
export interface RuleMeta {
  /** The rule's id, which is also its file's name. */
  readonly id: string;
  readonly description: string;
  /** `view` rules (the default) run on each API view; `document` rules once per file. */
  readonly scope?: 'view' | 'document';
}

/** A rule's check: it reports what it finds in one context. */
export type Check = (ctx: RuleContext, report: Report) => void;

/** What a rule's file defines (see defineRule); the registry adds its family. */
export interface RuleDefinition extends RuleMeta {
  readonly check: Check;
}

export interface Rule extends RuleDefinition {
  readonly family: Family;
  readonly scope: 'view' | 'document';
}
