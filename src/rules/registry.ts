import chainCycle from './chain/chain-cycle.js';
import chainDangling from './chain/chain-dangling.js';
import chainProgressParent from './chain/chain-progress-parent.js';
import parseError from './chain/parse-error.js';
import uuidDuplicate from './chain/uuid-duplicate.js';
import loneSurrogate from './encoding/lone-surrogate.js';
import documentInvalid from './media/document-invalid.js';
import imageDimensions from './media/image-dimensions.js';
import imageEmpty from './media/image-empty.js';
import imageMediaType from './media/image-media-type.js';
import imageTooLarge from './media/image-too-large.js';
import mediaCount from './media/media-count.js';
import promptTooLong from './request/prompt-too-long.js';
import requestTooLarge from './request/request-too-large.js';
import tooManyMessages from './request/too-many-messages.js';
import firstRole from './roles/first-role.js';
import roleAlternation from './roles/role-alternation.js';
import cacheControlEmpty from './text/cache-control-empty.js';
import finalWhitespace from './text/final-whitespace.js';
import messageEmpty from './text/message-empty.js';
import textEmpty from './text/text-empty.js';
import textWhitespace from './text/text-whitespace.js';
import thinkingEmpty from './thinking/thinking-empty.js';
import thinkingOrder from './thinking/thinking-order.js';
import thinkingSignature from './thinking/thinking-signature.js';
import errorResultEmpty from './tools/error-result-empty.js';
import serverToolResultOrphan from './tools/server-tool-result-orphan.js';
import toolIdBatchEntry from './tools/tool-id-batch-entry.js';
import toolIdFormat from './tools/tool-id-format.js';
import toolInputType from './tools/tool-input-type.js';
import toolName from './tools/tool-name.js';
import toolReference from './tools/tool-reference.js';
import toolResultDuplicate from './tools/tool-result-duplicate.js';
import toolResultMissing from './tools/tool-result-missing.js';
import toolResultOrder from './tools/tool-result-order.js';
import toolResultOrphan from './tools/tool-result-orphan.js';
import toolUseDuplicate from './tools/tool-use-duplicate.js';
import { family } from './kit/define.js';
import type { Rule } from './types.js';

/**
 * Every rule, by family: each is the default export of `<family>/<id>.ts`.
 * Within a line, reports come in this order.
 */
export const RULES: readonly Rule[] = [
  // Pairing of tool_use and tool_result blocks: the family behind Claude Code's
  // "API Error: 400 due to tool use concurrency issues".
  ...family('tools', [
    toolResultMissing,
    toolResultOrphan,
    toolResultOrder,
    toolUseDuplicate,
    toolResultDuplicate,
    toolIdFormat,
    toolIdBatchEntry,
    toolInputType,
    errorResultEmpty,
    serverToolResultOrphan,
    toolName,
    toolReference,
  ]),
  ...family('text', [textEmpty, textWhitespace, messageEmpty, finalWhitespace, cacheControlEmpty]),
  ...family('thinking', [thinkingOrder, thinkingEmpty, thinkingSignature]),
  ...family('roles', [firstRole, roleAlternation]),
  ...family('encoding', [loneSurrogate]),
  ...family('media', [imageTooLarge, imageDimensions, imageEmpty, imageMediaType, documentInvalid, mediaCount]),
  ...family('request', [requestTooLarge, promptTooLong, tooManyMessages]),
  // Damage to the uuid chain itself. The API never sees it, but it decides which
  // messages are sent: context is silently lost or the wrong branch resumes.
  ...family('chain', [parseError, chainDangling, chainProgressParent, chainCycle, uuidDuplicate]),
];
