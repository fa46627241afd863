import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendCustodyEntry } from '../../db/custody-log.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { signNewTreeHead } from '../../src/custody-log.ts';
import { encodeTimestampRequest, readTimestampStatus } from '../../src/custody/rfc3161.ts';
import { treeHeadMessage } from '../../src/evidence-verify/verify-package.mjs';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

/**
 * The RFC 3161 path against a real time-stamping authority: `openssl ts -reply` behind a loopback
 * HTTP server, with its own CA and a TSA certificate made here. The token is then checked the way
 * an expert would, with `openssl ts -verify`, against the signed tree head's message.
 */

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function makeAuthority(dir: string): void {
  writeFileSync(join(dir, 'tsa-ext.cnf'), 'extendedKeyUsage = critical,timeStamping\nbasicConstraints = CA:FALSE\n');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test TSA root'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=Test TSA'], dir);
  openssl(['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.pem', '-days', '2', '-extfile', 'tsa-ext.cnf'], dir);
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[tsa]',
      'default_tsa = tsa_config',
      '[tsa_config]',
      `dir = ${dir}`,
      `serial = ${join(dir, 'serial')}`,
      `signer_cert = ${join(dir, 'tsa.pem')}`,
      `certs = ${join(dir, 'ca.pem')}`,
      `signer_key = ${join(dir, 'tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'serial'), '01\n');
}

describe('RFC 3161 time-stamps on signed tree heads (local TSA run with openssl ts)', () => {
  const tempDir = useTempDir();
  let dir: string;
  let server: Server;
  let url: string;
  let answer: 'openssl' | 'error' = 'openssl';
  let requests = 0;

  beforeAll(async () => {
    // The authority's folder lives for the whole file (per-test folders are removed after each).
    dir = mkdtempSync(join(tmpdir(), 'copyhound-tsa-'));
    makeAuthority(dir);
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests++;
        if (answer === 'error' || req.headers['content-type'] !== 'application/timestamp-query') {
          res.writeHead(503).end();
          return;
        }
        const query = join(dir, `q${requests}.tsq`);
        const reply = join(dir, `r${requests}.tsr`);
        writeFileSync(query, Buffer.concat(chunks));
        openssl(['ts', '-reply', '-config', join(dir, 'tsa.cnf'), '-queryfile', query, '-out', reply], dir);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
  }, 30_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('encodes a request openssl reads as SHA-256 of the message, with a nonce and certReq', () => {
    const message = Buffer.from('copyhound-tree-head-v1\n1\nab\n2026\n');
    const path = join(dir, 'own.tsq');
    writeFileSync(path, encodeTimestampRequest(message));
    const text = openssl(['ts', '-query', '-in', path, '-text'], dir);
    expect(text).toMatch(/Hash Algorithm: sha256/);
    // The hex dump's first line holds the digest's first 16 bytes.
    expect(text.replace(/[\s-]/g, '').toLowerCase()).toContain(createHash('sha256').update(message).digest('hex').slice(0, 32));
    expect(text).toMatch(/Nonce: 0x[0-9A-F]+/);
    expect(text).toMatch(/Certificate required: yes/);
  });

  it('stores the authority token with the head; openssl ts -verify accepts it for the signed message', async () => {
    const db = (await openTestDatabase(join(tempDir(), 'copyhound.db'), 5000)).db;
    await writeTransaction(db, async (tx) => await appendCustodyEntry(tx, { type: 'decision', refId: 1, at: '2026-12-01T00:00:00.000Z', sha256: 'a'.repeat(64) }));
    answer = 'openssl';
    const head = await signNewTreeHead({ db, config: { tsaUrl: url, tsaTimeoutMs: 10_000, treeHeadEveryHours: 24 } }, 'command');
    expect(head.timestampToken).not.toBeNull();
    const reply = Buffer.from(head.timestampToken!, 'base64');
    expect(readTimestampStatus(reply)).toEqual({ status: 0, hasToken: true });
    writeFileSync(join(dir, 'head.bin'), treeHeadMessage(head));
    writeFileSync(join(dir, 'head.tsr'), reply);
    const verified = openssl(['ts', '-verify', '-data', 'head.bin', '-in', 'head.tsr', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'], dir);
    expect(verified).toMatch(/Verification: OK/);
    // The token is for this head only: another message fails.
    writeFileSync(join(dir, 'other.bin'), treeHeadMessage({ ...head, size: head.size + 1 }));
    expect(() => openssl(['ts', '-verify', '-data', 'other.bin', '-in', 'head.tsr', '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'], dir)).toThrow();
  });

  it('keeps the signed head without a token when the authority fails, and says so in the log', async () => {
    const db = (await openTestDatabase(join(tempDir(), 'copyhound.db'), 5000)).db;
    answer = 'error';
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, msg: string) => warnings.push(msg), info: () => {} } as never;
    const head = await signNewTreeHead({ db, config: { tsaUrl: url, tsaTimeoutMs: 5000, treeHeadEveryHours: 24 }, logger }, 'command');
    expect(head).toMatchObject({ size: 0, timestampToken: null });
    expect(warnings).toEqual([expect.stringMatching(/did not stamp the tree head/)]);
  });
});
