import { relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lineText, readLineInfo } from '../../src/transcript/document.js';
import { internIds, shareStrings } from '../../src/transcript/lineInfo.js';
import { loadFile } from '../../src/transcript/load.js';
import { PROJECTS, allTranscripts } from '../helpers/fixtures.js';

/*
 * A load interns each line's ids and shares its repeated strings with the line
 * before it in hand (see internIds): whatever that saves, each summary must be
 * the one the line gets read alone, as an edit reads it.
 */
describe('a load summarises each line as it would alone', () => {
  for (const file of allTranscripts()) {
    test(relative(PROJECTS, file), async () => {
      const doc = await loadFile(file);
      try {
        for (const line of doc.lines) {
          const alone = readLineInfo(lineText(doc, line), line.span!.length);
          internIds(alone);
          shareStrings(alone, new Map());
          expect(line.info).toStrictEqual(alone);
        }
      } finally {
        doc.source.close();
      }
    });
  }
});
