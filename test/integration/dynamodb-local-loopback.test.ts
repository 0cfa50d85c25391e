/**
 * DynamoDB Local as the emulators run it: reachable on 127.0.0.1 only, never from another
 * machine on the network, and started with telemetry off.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dynamoDbLocalCommand } from '../../infra/local/dynamodb-local.ts';
import { emulatorEndpoints } from '../support/environment.ts';

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('DynamoDB Local', () => {
  it('starts with telemetry off, in one shared database', () => {
    const { args } = dynamoDbLocalCommand(null, 8000);

    expect(args).toEqual(expect.arrayContaining(['-disableTelemetry', '-sharedDb', '-inMemory']));
  });

  it('accepts connections on 127.0.0.1 and on no other address of this machine', async () => {
    // Prepare
    const port = Number(new URL(emulatorEndpoints().dynamodb).port);
    const external = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a?.address as string);

    // Act
    const loopback = await accepts('127.0.0.1', port);
    const reachable = await Promise.all(external.map((address) => accepts(address, port)));

    // Assess
    expect(loopback).toBe(true);
    if (external.length === 0) {
      console.warn(
        'no non-loopback IPv4 address on this machine: only the loopback side is checked',
      );
    }
    expect(reachable).toEqual(external.map(() => false));
  });
});
