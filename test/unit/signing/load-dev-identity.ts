/** Child process for the cross-process test: loads the development identity, prints its hash. */
import { createHash } from 'node:crypto';
import { loadLocalSigner } from '../../../functions/render/signing/index.ts';

const devDir = process.argv[2] as string;
const signer = await loadLocalSigner({ devDir });
const [certificate] = await signer.certificates();
process.stdout.write(
  createHash('sha256')
    .update(certificate as Uint8Array)
    .digest('hex'),
);
