import { defineCloud } from '../define.ts';
import { CloudError } from '../errors.ts';
import { verifyWebhookSignature } from '../webhooks/signature.ts';

/**
 * What `import { … } from 'plinth'` gives a cloud file: the running server's own values
 * (types are erased), whether the file lies inside the project or anywhere else, with no
 * `npm link` and no second copy of Plinth loaded on each reload — and `instanceof CloudError`
 * holds in the server. These are the runtime exports of src/index.ts a cloud file can use
 * (a test keeps the two in step).
 */
export const plinthModule: Readonly<Record<string, unknown>> = Object.freeze({ defineCloud, CloudError, verifyWebhookSignature });
