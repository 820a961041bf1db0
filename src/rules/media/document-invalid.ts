import { viewIndex } from '../kit/blocks.js';
import { defineRule } from '../kit/define.js';
import { describeDocument, pdfApiPath, stubDocument } from './shared.js';

const MAX_PDF_PAGES = 100;

/*
 * A PDF the client read and kept in the history is sent again with every
 * request: one that is not a whole PDF (a stub, a truncated download) or that
 * has more pages than the API reads is rejected each time.
 */
export default defineRule({ id: 'document-invalid', description: 'a PDF document that is not a valid PDF or has over 100 pages' }, (ctx, report) => {
  for (const b of viewIndex(ctx.view).withDocuments.blocks) {
    for (const doc of b.info.documents!) {
      if (doc.validPdf === false) {
        report({
          at: b,
          severity: 'error',
          message: `document is not a valid PDF (${describeDocument(doc)})`,
          apiError: `${pdfApiPath(ctx, b, doc)}: The PDF specified was not valid.`,
          fixes: [stubDocument(ctx, b, doc, 'not a valid PDF')],
        });
      } else if ((doc.pages ?? 0) > MAX_PDF_PAGES) {
        report({
          at: b,
          severity: 'error',
          message: `PDF has ${doc.pages} pages; the API reads at most ${MAX_PDF_PAGES} (${describeDocument(doc)})`,
          apiError: `A maximum of ${MAX_PDF_PAGES} PDF pages may be provided.`,
          fixes: [stubDocument(ctx, b, doc, `over the API's ${MAX_PDF_PAGES}-page limit`)],
        });
      }
    }
  }
});
