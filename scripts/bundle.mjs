// The shipped executable, bundled: importing ink's hundred-odd modules one by
// one costs ~0.5 s at every start. tsc still writes the per-module dist/ (the
// tests and the benchmark import it); this replaces its bin.js with a bundle of
// src/bin.ts and its dependencies. The editor, imported lazily by cli.tsx, goes
// to a chunk of its own (dist/chunks/), so `ccmend check` never reads ink. The
// worker of a parallel load (src/loadWorker.ts) is a second entry beside it.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const path = (p) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Ink's DEV=true mode imports its React DevTools bridge (which imports
 * react-devtools-core, not installed) and reads ink's package.json beside its
 * own file, which the bundle does not have. In the bundle DEV mode is off,
 * whatever the environment says, and the bridge is an empty module.
 */
const inkWithoutDevMode = {
  name: 'ink-without-dev-mode',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]utils\.js$/ }, () => ({ contents: 'export const isDev = () => false;' }));
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]devtools\.js$/ }, () => ({ contents: '' }));
  },
};

/**
 * Ink tokenises and measures every line of a frame afresh: its caches live for
 * one frame. A key changes a few of the editor's ~40 rows, so kept across
 * frames they spare the rest, about 10 ms of each frame at 120×40. Bounded:
 * started afresh past 4,000 lines (~25 MB of styled characters).
 *
 * It also turns each row of cells into a string afresh, about 5 ms of a frame.
 * With the caches kept, a row drawn as before holds the very same cell objects
 * (its blank cells made one shared cell, never changed in place), so a row
 * whose cells are all the ones of the row drawn there before takes that row's
 * string.
 */
const inkCachesAcrossFrames = {
  name: 'ink-caches-across-frames',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]output\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const field = '    caches = new OutputCaches();';
      if (!source.includes(field)) throw new Error(`ink's output.js no longer has \`${field.trim()}\`: revisit ${import.meta.url}`);
      const blank = `                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`;
      const toStrings = `            .map(line => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })`;
      for (const part of [field, blank, toStrings])
        if (!source.includes(part)) throw new Error(`ink's output.js no longer has \`${part.trim()}\`: revisit ${import.meta.url}`);
      const shared = `
let shared;
function sharedCaches() {
  if (!shared || shared.styledChars.size > 4000 || shared.widths.size > 50000) shared = new OutputCaches();
  return shared;
}
const BLANK_CELL = { type: 'char', value: ' ', fullWidth: false, styles: [] };
const drawn = [];
function rowString(row, y) {
  const cells = row.filter((cell) => cell !== undefined);
  const before = drawn[y];
  if (before && before.cells.length === cells.length && before.cells.every((cell, i) => cell === cells[i])) return before.text;
  const text = styledCharsToString(cells).trimEnd();
  drawn[y] = { cells, text };
  return text;
}
`;
      const contents = source
        .replace(field, '    caches = sharedCaches();')
        .replace(blank, '                row.push(BLANK_CELL);')
        .replace(toStrings, '            .map(rowString)');
      return { contents: contents + shared, loader: 'js' };
    });
  },
};

/**
 * Ink measures every text of a frame afresh to decide whether to wrap it
 * (render-node-to-output.js): string-width segments each line into graphemes,
 * about 5 ms of each frame at 120×40, for texts most of which the frame before
 * measured. The widths are kept across frames; bounded like the caches above.
 */
const textWidthsAcrossFrames = {
  name: 'text-widths-across-frames',
  setup(b) {
    const original = "import widestLine from 'widest-line';";
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]render-node-to-output\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(original)) throw new Error(`ink's render-node-to-output.js no longer has \`${original}\`: revisit ${import.meta.url}`);
      return { contents: source.replace(original, "import widestLine from 'ccmend:kept-widest-line';"), loader: 'js', resolveDir: dirname(args.path) };
    });
    b.onResolve({ filter: /^ccmend:kept-widest-line$/ }, (args) => ({ path: 'kept-widest-line', namespace: 'ccmend', pluginData: args.resolveDir }));
    b.onLoad({ filter: /^kept-widest-line$/, namespace: 'ccmend' }, (args) => ({
      contents: `${original}\nconst widths = new Map();\nexport default (text) => {\n  let width = widths.get(text);\n  if (width === undefined) {\n    if (widths.size >= 20000) widths.clear();\n    widths.set(text, (width = widestLine(text)));\n  }\n  return width;\n};\n`,
      loader: 'js',
      resolveDir: args.pluginData,
    }));
  },
};

rmSync(path('../dist/chunks'), { recursive: true, force: true });
await build({
  entryPoints: [path('../src/bin.ts'), path('../src/loadWorker.ts')],
  outdir: path('../dist'),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // React and the reconciler take their production builds; the development ones are left out.
  // (bin.ts still sets NODE_ENV at run time, for anything that reads it another way.)
  define: { 'process.env.NODE_ENV': '"production"' },
  logOverride: { 'assign-to-define': 'silent' },
  // clipboardy finds its helper binaries (fallbacks/…) next to its own files: it loads from node_modules.
  external: ['clipboardy'],
  plugins: [inkWithoutDevMode, inkCachesAcrossFrames, textWidthsAcrossFrames],
  // CommonJS dependencies (react, the reconciler, …) call require('node:…'), which an ES module lacks.
  banner: { js: "import { createRequire as __ccmendRequire } from 'node:module'; const require = __ccmendRequire(import.meta.url);" },
});
chmodSync(path('../dist/bin.js'), 0o755);
