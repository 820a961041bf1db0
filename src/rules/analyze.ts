import { type ApiView, apiViewSteps, buildApiView, type Patch } from '../conversation/apiView.js';
import { asWritten, type BehaviourId, ByAnswers, behaviour, type Client, GENERATIONS, generationOf, NEWEST, versionRanges } from '../conversation/clients.js';
import { type Graph, graphSteps } from '../conversation/graph.js';
import type { BudgetOptions } from '../budget/budget.js';
import { type Doc, asOwnConversation } from '../transcript/document.js';
import { type Steps, finish } from '../conversation/steps.js';
import { viewIndexSteps } from './kit/blocks.js';
import { runRule } from './kit/define.js';
import { RULES } from './registry.js';
import type { Diagnostic, Provider, RuleContext } from './types.js';

export interface Analysis {
  /** The document as given: a subagent's lines are read as its own conversation by the rules only (edits and saves keep them). */
  readonly doc: Doc;
  /** The uuid graph as the (first) target client walks it. */
  readonly graph: Graph;
  /** The lines the target client sends, as the file holds them: what the editor shows and edits. */
  readonly view: ApiView;
  /** The request the target client sends: those lines after its send-time patches. */
  readonly sent: ApiView;
  /** The clients checked for. */
  readonly target: readonly Client[];
  readonly diagnostics: readonly Diagnostic[];
  readonly counts: { readonly error: number; readonly warning: number; readonly info: number };
  /** Problems that break the request of a client outside the target (warnings here). */
  readonly elsewhere: number;
}

export interface AnalyzeOptions {
  readonly provider?: Provider;
  /** The Claude Code versions whose requests are checked (default: the newest modelled; several: the strictest of them). */
  readonly target?: readonly Client[];
  /** Whose conversation the file is: a session's (the default) or a subagent's, whose own side chain it holds. */
  readonly conversation?: 'main' | 'subagent';
  /** What the request's size is measured against (see src/budget): the configured model, the counts as loaded. */
  readonly budget?: BudgetOptions;
}

/** What every rule pass shares: the document and how it is checked. */
type Checking = Pick<RuleContext, 'doc' | 'provider' | 'conversation' | 'budget'>;

/** What one generation makes of a document: its graph, its request, and what the rules find in both. */
interface Pass {
  readonly generation: Client;
  readonly graph: Graph;
  readonly written: ApiView;
  readonly sent: ApiView;
  /** Findings on the request as sent, by identity (see findings). */
  readonly inSent: ReadonlyMap<string, Diagnostic>;
  /** Findings on the same lines as written, before the client's patches. */
  readonly inWritten: ReadonlyMap<string, Diagnostic>;
}

/**
 * Findings by identity across generations: rule, line, block, and which of
 * that rule's findings in the block it is (the images of one tool result).
 * Message numbers are not part of it: they differ between requests.
 */
function* findings(checking: Checking, graph: Graph, view: ApiView): Steps<Map<string, Diagnostic>> {
  const ctx: RuleContext = { ...checking, graph, view, segment: 'active' };
  const out: Diagnostic[] = [];
  // The index of the view's blocks that most rules read: steps of its own, not the first rule's.
  yield* viewIndexSteps(view);
  yield;
  for (const rule of RULES) {
    runRule(rule, ctx, out);
    yield;
  }
  const byIdentity = new Map<string, Diagnostic>();
  for (const d of out) {
    const at = `${d.rule}\u0000${d.key}\u0000${d.block ?? ''}`;
    let n = 0;
    while (byIdentity.has(`${at}\u0000${n}`)) n++;
    byIdentity.set(`${at}\u0000${n}`, d);
  }
  return byIdentity;
}

/** Messages hashed per step of fingerprint: a 2 GB session's 188k are a few dozen. */
const FINGERPRINTED_PER_STEP = 5000;

/**
 * What makes two requests the same to the rules: the walk (gaps cut or bridged
 * included), each message's role, and each block's line, index and what the
 * client sends in its place or changes of it. Generations that send alike share one rule pass.
 * Two 32-bit hashes over those numbers, with the counts: a string of them all
 * costs more than building the view.
 */
function* fingerprint(graph: Graph, view: ApiView): Steps<string> {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let n = 0;
  const mix = (x: number) => {
    a = Math.imul(a ^ x, 0x01000193);
    b = Math.imul(b ^ x, 0x5bd1e995) ^ (b >>> 15);
    n++;
  };
  mix(graph.chain.length);
  mix(graph.chain[0] ?? -1);
  mix(graph.leaf ?? -1);
  for (const g of graph.gaps) {
    mix(g.pos);
    mix(g.bridged ? 1 : 0);
  }
  let read = 0;
  for (const m of view.messages) {
    if (++read % FINGERPRINTED_PER_STEP === 0) yield;
    mix(m.role === 'user' ? -2 : -3);
    mix(m.lines.length);
    for (const blk of m.blocks) {
      mix(blk.pos);
      mix(blk.index);
      if (blk.replacement !== undefined) for (const c of JSON.stringify(blk.replacement)) mix(c.charCodeAt(0));
      // What the client changes of the line's block on the way, which rules can see.
      if (blk.renamed !== undefined || blk.suffix !== undefined || blk.reworded !== undefined || blk.folded || blk.sanitized) {
        const change = `${blk.renamed ?? ''}|${blk.suffix ?? ''}|${blk.reworded ?? ''}|${blk.folded?.length ?? 0}|${blk.sanitized ? 1 : 0}`;
        for (const c of change) mix(c.charCodeAt(0));
      }
    }
  }
  return `${a >>> 0}.${b >>> 0}.${n}.${view.messages.length}`;
}

/**
 * Runs every generation. Generations alike in what a step depends on share it:
 * the graph (its walk), the view (buildApiView shares the messages of views
 * made alike), and the rule pass of requests that come out the same.
 */
function* passes(checking: Checking): Steps<Pass[]> {
  const { doc } = checking;
  const graphs = new ByAnswers<Graph>();
  const built = new Set<Graph>();
  const ruled = new Map<string, Map<string, Diagnostic>>();
  const byMessages = new WeakMap<ApiView['messages'], Map<Graph, Map<string, Diagnostic>>>();
  const rulesOn = function* (graph: Graph, view: ApiView): Steps<Map<string, Diagnostic>> {
    let ofGraph = byMessages.get(view.messages);
    if (!ofGraph) byMessages.set(view.messages, (ofGraph = new Map()));
    const shared = ofGraph.get(graph);
    if (shared) return shared;
    const key = yield* fingerprint(graph, view);
    let found = ruled.get(key);
    if (!found) ruled.set(key, (found = yield* findings(checking, graph, view)));
    ofGraph.set(graph, found);
    return found;
  };
  const out: Pass[] = [];
  for (const generation of GENERATIONS) {
    const graph = yield* graphs.stepwise(generation, (asking) => graphSteps(doc, asking));
    if (!built.has(graph)) {
      built.add(graph);
      yield;
    }
    const written = yield* apiViewSteps(doc, graph, asWritten(generation));
    const sent = yield* apiViewSteps(doc, graph, generation);
    const inSent = yield* rulesOn(graph, sent);
    const inWritten = yield* rulesOn(graph, written);
    out.push({ generation, graph, written, sent, inSent, inWritten });
  }
  return out;
}

/** A view's patches by line, in order: each finding of every generation looks its line up. */
const patchesByPos = new WeakMap<ApiView, Map<number, Patch[]>>();

/** The patch a client made at a finding's line and block, if any. */
function patchAt(view: ApiView, d: Diagnostic): Patch | undefined {
  let byPos = patchesByPos.get(view);
  if (!byPos) {
    byPos = new Map();
    for (const p of view.patches) {
      const at = byPos.get(p.pos);
      if (at) at.push(p);
      else byPos.set(p.pos, [p]);
    }
    patchesByPos.set(view, byPos);
  }
  return byPos.get(d.pos)?.find((p) => d.block === undefined || p.index === d.block || p.index === -1);
}

const EFFECT_WORDS = { rejects: 'sends this and the API rejects it', loses: 'resumes only what follows it' } as const;

/**
 * Severity from the target: an error when a target client's request is
 * rejected (or it resumes less than the file holds); a warning when a target
 * client patches it on the way, or when only clients outside the target fail
 * on it. Each names the versions it affects.
 */
function settle(id: string, d: Diagnostic, passes: readonly Pass[], targets: ReadonlySet<Client>): Diagnostic | undefined {
  const breaking = passes.filter((p) => p.inSent.get(id)?.severity === 'error');
  const patching = passes.filter((p) => p.inWritten.get(id)?.severity === 'error' && !p.inSent.has(id) && patchAt(p.sent, d));
  const clients = { breaks: versionRanges(breaking.map((p) => p.generation)), patches: versionRanges(patching.map((p) => p.generation)) };
  const inTarget = breaking.find((p) => targets.has(p.generation));
  if (inTarget) {
    const own = inTarget.inSent.get(id)!;
    return breaking.length === passes.length ? { ...own, clients } : { ...own, clients, message: `${own.message} (${describe(own, breaking, patching)})` };
  }
  const patchedHere = patching.find((p) => targets.has(p.generation));
  // The target's own finding when it has one (a gap it bridges), else the breaking client's.
  const own = passes.find((p) => targets.has(p.generation) && p.inSent.has(id))?.inSent.get(id);
  if (!breaking.length && !patchedHere) {
    // A warning in the target's own lines stands as it is; one only other clients' requests show is theirs.
    const ownWritten = passes.find((p) => targets.has(p.generation) && p.inWritten.has(id))?.inWritten.get(id);
    const mine = own ?? ownWritten;
    return mine && mine.severity !== 'error' ? mine : undefined;
  }
  const base = own ?? breaking[0]?.inSent.get(id) ?? d;
  return { ...base, severity: 'warning', clients, message: `${base.message} (${describe(base, breaking, patching)})` };
}

/**
 * Who sends it and who mends it, by version: "Claude Code before 2.1.32 sends
 * this and the API rejects it; 2.1.32+ drops empty and whitespace-only text
 * blocks". Clients that mend it differently are named apart.
 */
function describe(d: Diagnostic, breaking: readonly Pass[], patching: readonly Pass[]): string {
  const parts: string[] = [];
  if (breaking.length) parts.push(`${versionRanges(breaking.map((p) => p.generation)).join(', ')} ${EFFECT_WORDS[d.effect ?? 'rejects']}`);
  const byPatch = new Map<BehaviourId, Client[]>();
  for (const p of patching) {
    const by = patchAt(p.sent, d)!.by;
    byPatch.set(by, [...(byPatch.get(by) ?? []), p.generation]);
  }
  for (const [by, generations] of byPatch) parts.push(`${versionRanges(generations).join(', ')} ${behaviour(by).does}`);
  const text = parts.join('; ');
  return text.startsWith('every version ') ? `Claude Code ${text.slice('every version '.length)}` : `Claude Code ${text}`;
}

/**
 * Graph, API view and every rule, for one version of a document, checked for
 * the target clients. Pure. Every generation ccmend models is analysed, so a
 * diagnostic can say which other clients a shape breaks.
 */
export function analyze(file: Doc, options: AnalyzeOptions = {}): Analysis {
  return finish(analysisSteps(file, options));
}

/**
 * The generation whose graph and written lines an analysis for `target`
 * shows: the newest of the target's, which resumes the most of a file (it
 * bridges gaps and reads every kind of line), so `--client all` shows the
 * whole conversation rather than the little the oldest release reads.
 */
export function shownGeneration(target: readonly Client[]): Client {
  const targets = new Set(target.map(generationOf));
  return GENERATIONS.findLast((g) => targets.has(g))!;
}

/** Findings settled per step: a long session has thousands, each looked up in every generation's findings. */
const SETTLED_PER_STEP = 50;

/** analyze, one step at a time: what the editor runs between keys. */
export function* analysisSteps(file: Doc, options: AnalyzeOptions = {}): Steps<Analysis> {
  const provider = options.provider ?? 'anthropic';
  const conversation = options.conversation ?? 'main';
  const doc = conversation === 'subagent' ? asOwnConversation(file) : file;
  const checking: Checking = { doc, provider, conversation, budget: options.budget };
  const target = options.target ?? [NEWEST];
  const targets = new Set(target.map(generationOf));
  const all = yield* passes(checking);
  const main = all.find((p) => p.generation === shownGeneration(target))!;

  // Every shape any generation finds, in its written lines or its request, settled for the target.
  const seen = new Map<string, Diagnostic>();
  for (const p of [main, ...all])
    for (const m of [p.inSent, p.inWritten]) {
      for (const [id, d] of m) if (!seen.has(id)) seen.set(id, d);
      // Each generation's findings are a step: on 2 GB, tens of thousands in each of 76 maps.
      yield;
    }
  const diagnostics: Diagnostic[] = [];
  let settling = 0;
  for (const [id, d] of seen) {
    const settled = settle(id, d, all, targets);
    if (settled) diagnostics.push(settled);
    if (++settling % SETTLED_PER_STEP === 0) yield;
  }
  yield;

  // What precedes the newest compaction is never sent: its problems are reported as info (see runRule).
  if (main.graph.preCompactChain.length) {
    const view = buildApiView(doc, main.graph, asWritten(main.generation), main.graph.preCompactChain);
    const before: RuleContext = { ...checking, graph: main.graph, view, segment: 'pre-compact' };
    yield;
    for (const rule of RULES)
      if (rule.scope === 'view') {
        runRule(rule, before, diagnostics);
        yield;
      }
  }
  diagnostics.sort((a, b) => a.pos - b.pos || (a.block ?? -1) - (b.block ?? -1) || a.rule.localeCompare(b.rule));
  const counts = { error: 0, warning: 0, info: 0 };
  let elsewhere = 0;
  for (const d of diagnostics) {
    counts[d.severity]++;
    if (d.severity === 'warning' && d.clients?.breaks.length) elsewhere++;
  }
  return { doc: file, graph: main.graph, view: main.written, sent: main.sent, target, diagnostics, counts, elsewhere };
}
