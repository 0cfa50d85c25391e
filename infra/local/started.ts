/** What each emulator's start gives (emulators.ts, s3rver.ts). */

/** A started emulator: where it answers, and how to stop it. */
export interface Started {
  readonly endpoint: string;
  readonly stop: () => Promise<void>;
}

/** `action` run at most once, every call answered with its one result. */
export function onceAsync(action: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return () => {
    result ??= action();
    return result;
  };
}
