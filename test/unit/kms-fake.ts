/**
 * A KMS double behind the adapter's own `KmsApi` port, backed by node's crypto: it answers
 * Sign (MessageType DIGEST, RSASSA_PKCS1_V1_5_SHA_256) and GetPublicKey for one RSA key, and
 * records every request so tests can assert the adapter's request shape. No KMS emulator exists.
 */
import { constants, generateKeyPairSync, type KeyObject, privateEncrypt } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand } from '@aws-sdk/client-kms';
import type { KmsApi } from '../../functions/adapters/kms-signer.ts';

/** DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export interface FakeKms extends KmsApi {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  readonly signRequests: SignCommand['input'][];
}

/** One RSA key pair per test process: generating one takes a noticeable part of a second. */
let keyPair: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

/** A fake KMS holding one RSA-2048 SIGN_VERIFY key with id `keyId`. */
export function fakeKms(keyId = 'alias/iep-docs-signing'): FakeKms {
  keyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  const { privateKey, publicKey } = keyPair;
  const signRequests: SignCommand['input'][] = [];
  const send = async (command: SignCommand | GetPublicKeyCommand) => {
    if (command.input.KeyId !== keyId) throw new Error(`NotFoundException: ${command.input.KeyId}`);
    if (command instanceof SignCommand) {
      signRequests.push(command.input);
      const { Message, MessageType, SigningAlgorithm } = command.input;
      if (MessageType !== 'DIGEST' || SigningAlgorithm !== 'RSASSA_PKCS1_V1_5_SHA_256') {
        throw new Error('ValidationException: unsupported signing request');
      }
      if (Message?.length !== 32) throw new Error('ValidationException: digest length');
      const signature = privateEncrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([SHA256_DIGEST_INFO, Message]),
      );
      return { Signature: new Uint8Array(signature) };
    }
    if (command instanceof GetPublicKeyCommand) {
      return { PublicKey: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
    }
    throw new Error('UnsupportedOperation');
  };
  return { keyId, publicKey, signRequests, send: send as KmsApi['send'] };
}
