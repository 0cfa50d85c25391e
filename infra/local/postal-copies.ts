/** The local runtime's copies of postal packets under out/, for a person to open and print. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SummaryDelivery } from './delivery.ts';

/** Copies each stored postal packet to out/<decisionId>/v<version>/postal/<deliveryId>.pdf. */
export async function copyPackets(
  deliveries: SummaryDelivery[],
  to: {
    store: { get(key: string): Promise<Uint8Array> };
    outDir: string;
    s3Uri: (key: string) => string;
  },
): Promise<SummaryDelivery[]> {
  const copied: SummaryDelivery[] = [];
  for (const d of deliveries) {
    if (!d.postalKey || d.state === 'sending') {
      copied.push(d);
      continue;
    }
    // The key is districts/<district>/decisions/<decisionId>/v<version>/postal/<deliveryId>.pdf.
    const [decisionId, version, , file] = d.postalKey.split('/').slice(-4);
    const dir = resolve(to.outDir, decisionId as string, version as string, 'postal');
    await mkdir(dir, { recursive: true });
    const localPath = join(dir, file as string);
    await writeFile(localPath, await to.store.get(d.postalKey));
    copied.push({ ...d, postalUri: to.s3Uri(d.postalKey), localPath });
  }
  return copied;
}
