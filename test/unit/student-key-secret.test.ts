/**
 * The studentKey secret at cold start: read from Secrets Manager by ARN (the request shape is
 * checked against a fake `send`: there is no Secrets Manager emulator here), the ARN winning
 * over the plain local setting, and no silent fall back to the reversible hash in Lambda.
 */
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  loadStudentKeySecret,
  type SecretValueReader,
  StudentKeySecretError,
} from '../../functions/adapters/secrets-manager-student-key.ts';
import { studentKey } from '../../functions/core/calendar.ts';
import { studentKeyOptions } from '../../functions/platform/aws-student-key.ts';
import { onceUntilFailure } from '../../functions/platform/lazy-handler.ts';

const ARN = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:DataStudentKeySecret-AbCdEf';
const VALUE = 'q7ZkR2mX9pLw4sVt8bNc3dHy6fJg1aUe5oQi0rTx2zKv7mWn4sLp9bXc3dYf6hGj';

/** A Secrets Manager client answering from a script, keeping every command it was sent. */
function scriptedSecrets(answer: () => Promise<Partial<GetSecretValueCommandOutput>>) {
  const sent: GetSecretValueCommand[] = [];
  const client: SecretValueReader = {
    send: async (command) => {
      sent.push(command);
      return (await answer()) as GetSecretValueCommandOutput;
    },
  };
  return { client, sent };
}

describe('loadStudentKeySecret', () => {
  it('asks for the current value of the secret by its ARN, once', async () => {
    // Prepare
    const { client, sent } = scriptedSecrets(async () => ({ SecretString: VALUE }));

    // Act
    const value = await loadStudentKeySecret(client, ARN);

    // Assess
    expect(value).toBe(VALUE);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(GetSecretValueCommand);
    expect(sent[0]?.input).toEqual({ SecretId: ARN });
  });

  it('fails naming the ARN and the cause, never a value, when the read is refused', async () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized to perform GetSecretValue'), {
      name: 'AccessDeniedException',
    });
    const { client } = scriptedSecrets(async () => {
      throw denied;
    });

    // Act
    const failure = await loadStudentKeySecret(client, ARN).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(StudentKeySecretError);
    expect((failure as Error).message).toContain(ARN);
    expect((failure as Error).message).toContain('AccessDeniedException');
    expect((failure as Error).cause).toBe(denied);
  });

  it('refuses an empty or binary secret rather than hash with an empty key', async () => {
    for (const output of [{ SecretString: '' }, { SecretBinary: new Uint8Array([1, 2, 3]) }]) {
      const { client } = scriptedSecrets(async () => output);
      await expect(loadStudentKeySecret(client, ARN)).rejects.toThrow(/has no string value/);
    }
  });

  it('keeps the value out of the error message', async () => {
    const { client } = scriptedSecrets(async () => ({ SecretString: '' }));
    const failure = await loadStudentKeySecret(client, ARN).catch((error: unknown) => error);
    expect((failure as Error).message).not.toContain(VALUE);
  });
});

describe('studentKeyOptions', () => {
  const loadsFrom = (secrets: Record<string, string>) => {
    const asked: string[] = [];
    const load = async (arn: string) => {
      asked.push(arn);
      const value = secrets[arn];
      if (value === undefined) throw new StudentKeySecretError(`cannot read ${arn}`);
      return value;
    };
    return { load, asked };
  };

  it('uses the secret the ARN names, over a plain setting, so keys are HMACs', async () => {
    // Prepare
    const { load, asked } = loadsFrom({ [ARN]: VALUE });

    // Act
    const options = await studentKeyOptions({ arn: ARN, plain: 'dev-key', inLambda: true }, load);

    // Assess
    expect(asked).toEqual([ARN]);
    expect(options).toEqual({ studentKeySecret: VALUE });
    expect(studentKey('example-usd', 'S-104233', options)).not.toBe(
      studentKey('example-usd', 'S-104233'),
    );
  });

  it('fails the cold start when the ARN is set but the secret cannot be read', async () => {
    const { load } = loadsFrom({});
    await expect(
      studentKeyOptions({ arn: ARN, plain: 'dev-key', inLambda: true }, load),
    ).rejects.toBeInstanceOf(StudentKeySecretError);
  });

  it('uses the plain setting for local and dev runs without an ARN', async () => {
    const { load, asked } = loadsFrom({});
    const options = await studentKeyOptions({ plain: 'dev-key', inLambda: false }, load);
    expect(options).toEqual({ studentKeySecret: 'dev-key' });
    expect(asked).toEqual([]);
  });

  it('refuses to run in Lambda with neither, rather than store reversible keys', async () => {
    const { load } = loadsFrom({});
    await expect(studentKeyOptions({ inLambda: true }, load)).rejects.toThrow(
      /STUDENT_KEY_SECRET_ARN/,
    );
  });

  it('keeps the unkeyed hash for a local run with neither (emulators, tests)', async () => {
    const { load } = loadsFrom({});
    expect(await studentKeyOptions({ arn: '', plain: '', inLambda: false }, load)).toEqual({});
  });
});

describe('onceUntilFailure (the cold-start read of the secret)', () => {
  it('reads once and shares the value with every later call', async () => {
    let reads = 0;
    const options = onceUntilFailure(async () => ({ studentKeySecret: `read ${++reads}` }));
    const [first, second] = await Promise.all([options(), options()]);
    expect(await options()).toEqual({ studentKeySecret: 'read 1' });
    expect([first, second, reads]).toEqual([
      { studentKeySecret: 'read 1' },
      { studentKeySecret: 'read 1' },
      1,
    ]);
  });

  it('reads again after a failed read instead of keeping the failure', async () => {
    let reads = 0;
    const options = onceUntilFailure(async () => {
      reads += 1;
      if (reads === 1) throw new StudentKeySecretError('throttled');
      return { studentKeySecret: VALUE };
    });
    await expect(options()).rejects.toThrow('throttled');
    expect(await options()).toEqual({ studentKeySecret: VALUE });
    expect(reads).toBe(2);
  });
});
