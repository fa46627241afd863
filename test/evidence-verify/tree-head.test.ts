import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyIdOf, treeHeadMessage, verifyTreeHead } from '../../src/evidence-verify/verify-package.mjs';
import { newSigningKey, signTreeHead } from './package-builder.ts';

const HEAD = { size: 120, rootHash: 'ab'.repeat(32), timestamp: '2026-12-01T12:00:00.000Z' };

describe('tree head', () => {
  it('signs exactly the message the format defines', () => {
    expect(treeHeadMessage(HEAD).toString('utf8')).toBe(`copyhound-tree-head-v1\n120\n${'ab'.repeat(32)}\n2026-12-01T12:00:00.000Z\n`);
    expect(treeHeadMessage({ ...HEAD, rootHash: Buffer.from('ab'.repeat(32), 'hex') })).toEqual(treeHeadMessage(HEAD));
  });

  it('refuses fields that would make the signed message ambiguous', () => {
    expect(() => treeHeadMessage({ ...HEAD, timestamp: '2026-12-01T12:00:00.000Z\n121' })).toThrow(/timestamp/);
    expect(() => treeHeadMessage({ ...HEAD, size: '120' as unknown as number })).toThrow(/size/);
    expect(() => treeHeadMessage({ ...HEAD, rootHash: 'AB'.repeat(32) })).toThrow(/rootHash/);
  });

  it('verifies a signature by the key, and nothing else', () => {
    const { privateKey, publicKeyPem } = newSigningKey();
    const signed = { ...HEAD, signature: signTreeHead(HEAD, privateKey) };
    expect(verifyTreeHead(signed, publicKeyPem)).toBe(true);
    expect(verifyTreeHead({ ...signed, size: 121 }, publicKeyPem)).toBe(false);
    expect(verifyTreeHead({ ...signed, timestamp: '2026-12-01T12:00:00.001Z' }, publicKeyPem)).toBe(false);
    expect(verifyTreeHead(signed, newSigningKey().publicKeyPem)).toBe(false);
    expect(verifyTreeHead({ ...signed, signature: `${signed.signature.slice(0, -4)}AAA=` }, publicKeyPem)).toBe(false);
    expect(verifyTreeHead({ ...signed, signature: 'not base64!' }, publicKeyPem)).toBe(false);
    expect(verifyTreeHead(null, publicKeyPem)).toBe(false);
    expect(verifyTreeHead(signed, 'not a key')).toBe(false);
  });

  it('keyId is the SHA-256 of the DER SPKI; only Ed25519 public keys are accepted', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(keyIdOf(publicKey.export({ type: 'spki', format: 'pem' }).toString())).toBe(createHash('sha256').update(der).digest('hex'));
    expect(() => keyIdOf(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(/not a PEM public key/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => keyIdOf(ec)).toThrow(/not Ed25519/);
  });
});
