import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { keyIdOf, treeHeadMessage, verifyTreeHead } from '../evidence-verify/verify-package.mjs';

/**
 * Signed tree heads: size, root and time, signed with the installation's Ed25519 key (made at
 * first start, kept in server_secrets). The message format is the verifier's (treeHeadMessage),
 * so a package checked offline is checked against exactly what was signed.
 */

export interface TreeHead {
  size: number;
  rootHash: string;
  timestamp: string;
}

export interface SignedTreeHead extends TreeHead {
  signature: string;
}

/** A new Ed25519 private key, PKCS#8 PEM. */
export function generateSigningKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The public half, SPKI PEM: what packages carry and what a publisher publishes. */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'pem', type: 'spki' }).toString();
}

export function signTreeHead(head: TreeHead, privateKeyPem: string): SignedTreeHead {
  const signature = sign(null, treeHeadMessage(head), createPrivateKey(privateKeyPem)).toString('base64');
  return { ...head, signature };
}

export { keyIdOf, verifyTreeHead };
