import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openFolderReader, verifyPackage, type PackageReader, type VerifyResult } from '../../src/evidence-verify/verify-package.mjs';
import { useTempDir } from '../helpers/temp-dir.ts';
import {
  captureWarcs,
  keyIdFor,
  newSigningKey,
  readManifest,
  sha256Hex,
  signTreeHead,
  writeManifest,
  writePackage,
  writeSamplePackage,
  type Manifest,
} from './package-builder.ts';

const tempDir = useTempDir();

function verifyFolder(dir: string, options?: { publicKeyPem?: string }): VerifyResult {
  return verifyPackage(openFolderReader(dir), options);
}

/** A package held in memory, so hostile manifests can be tried quickly. */
function memoryReader(files: Map<string, Buffer>): PackageReader {
  return { list: () => [...files.keys()], read: (path) => files.get(path) };
}

function filesOf(dir: string): Map<string, Buffer> {
  const reader = openFolderReader(dir);
  return new Map(reader.list().map((path) => [path, reader.read(path) as Buffer]));
}

function fileEntry(manifest: Manifest, path: string) {
  return manifest.files.find((file: { path: string }) => file.path === path);
}

const WARC_PATH = 'report-12/captures/7.warc.gz';
const RESPONSE = 'record 1 (response "<urn:uuid:00000000-0000-4000-8000-000000000007>")';

/** One byte of the copied text in the capture's response payload changed; gzip stays valid. */
function tamperWarcPayload(dir: string, path: string): Buffer {
  const plain = gunzipSync(readFileSync(join(dir, path)));
  plain[plain.indexOf('council')] ^= 0x01;
  const tampered = gzipSync(plain);
  writeFileSync(join(dir, path), tampered);
  return tampered;
}

describe('verifyPackage on an untouched package', () => {
  it('passes and says what it checked', async () => {
    const built = await writeSamplePackage(tempDir());
    const result = verifyFolder(built.dir);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const size = built.manifest.custody.treeHead.size;
    expect(result.checked).toEqual([
      'manifest.json: format copyhound-evidence-package/1',
      '13 files: sha256 and size',
      '3 WARC files: 12 records, 17 block and payload digests',
      '1 revisit record: the body each refers to is in the package (same payload digest)',
      'no files beyond those the manifest lists',
      `custody.keyId is the SHA-256 of the public key (${built.keyId})`,
      `tree head signature (Ed25519, key ${built.keyId}) over size ${size}, root ${built.manifest.custody.treeHead.rootHash}, 2026-12-01T12:00:00.000Z`,
      `10 custody entries: inclusion proofs against tree head of size ${size}`,
      '5 files with a logIndex: sha256 equals the custody entry\'s',
      "3 records: canonical JSON sha256 of the value at each JSON pointer equals the custody entry's",
      `the file list (every path, size and sha256) is the one export entry ${built.manifest.custody.exportEntry} vouches for`,
    ]);
    expect(result.notes).toEqual([expect.stringMatching(/^The package's key was not compared with a key you trust/)]);
  });

  it('passes with the trusted key given, and checks it', async () => {
    const built = await writeSamplePackage(tempDir());
    const result = verifyFolder(built.dir, { publicKeyPem: built.publicKeyPem });
    expect(result.problems).toEqual([]);
    expect(result.checked).toContain(`the package's public key compared with the trusted key ${built.keyId}`);
    expect(result.notes).toEqual([]);
  });

  it('without the export entry, says which files rest on the manifest alone', async () => {
    const built = await writeSamplePackage(tempDir());
    delete built.manifest.custody.exportEntry;
    writeManifest(built.dir, built.manifest);
    const result = verifyFolder(built.dir);
    expect(result.problems).toEqual([expect.stringMatching(/custody.exportEntry .* nothing in the signed log vouches for the file list/)]);
    expect(result.notes).toContain(
      '7 files are not vouched for by the custody log, only by this manifest: verify.mjs, README.txt, report-12/article.txt, report-12/notice-dmca.txt, report-12/notice-lumen.json, report-12/captures/7.txt, report-12/captures/8-body.warc.gz.',
    );
  });

  it('passes for logs of many shapes (entries at every kind of index)', async () => {
    const { original } = await captureWarcs();
    for (const [fillerBefore, fillerAfter] of [[0, 0], [1, 0], [7, 1], [31, 33], [64, 0]]) {
      const dir = tempDir();
      writePackage(dir, [{ path: 'a/7.warc.gz', bytes: original, leafType: 'capture' }, { path: 'a/r.json', bytes: Buffer.from('{"x":[1,{"b":2,"a":1}]}') }], [{ file: 'a/r.json', pointer: '/x/1' }, { file: 'a/r.json', pointer: '' }], { fillerBefore, fillerAfter });
      expect(verifyFolder(dir).problems, `${fillerBefore}+${fillerAfter}`).toEqual([]);
    }
  });
});

describe('verifyPackage names every tampering', () => {
  it('one byte changed in a WARC payload', async () => {
    const built = await writeSamplePackage(tempDir());
    const tampered = tamperWarcPayload(built.dir, WARC_PATH);
    const { ok, problems } = verifyFolder(built.dir);
    expect(ok).toBe(false);
    const logIndex = fileEntry(built.manifest, WARC_PATH).logIndex;
    expect(problems).toEqual([
      `${WARC_PATH}: ${tampered.length} bytes, the manifest says ${fileEntry(built.manifest, WARC_PATH).bytes}`,
      `${WARC_PATH}: sha256 is ${sha256Hex(tampered)}, the manifest says ${fileEntry(built.manifest, WARC_PATH).sha256}`,
      expect.stringMatching(new RegExp(`^${escape(`${WARC_PATH}: ${RESPONSE}: WARC-Block-Digest is sha256:`)}[0-9a-f]{64}, the block hashes to sha256:[0-9a-f]{64}$`)),
      expect.stringMatching(new RegExp(`^${escape(`${WARC_PATH}: ${RESPONSE}: WARC-Payload-Digest is sha256:`)}[0-9a-f]{64}, the payload hashes to sha256:[0-9a-f]{64}$`)),
      `${WARC_PATH}: sha256 is ${sha256Hex(tampered)}, custody entry ${logIndex} vouches for ${fileEntry(built.manifest, WARC_PATH).sha256}`,
    ]);
  });

  it('one byte changed in a WARC payload, with the manifest updated to match', async () => {
    const built = await writeSamplePackage(tempDir());
    const tampered = tamperWarcPayload(built.dir, WARC_PATH);
    const manifest = readManifest(built.dir);
    Object.assign(fileEntry(manifest, WARC_PATH), { sha256: sha256Hex(tampered), bytes: tampered.length });
    writeManifest(built.dir, manifest);
    const { problems } = verifyFolder(built.dir);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toContain(`${WARC_PATH}: ${RESPONSE}: WARC-Block-Digest is sha256:`);
    expect(problems[1]).toContain(`${WARC_PATH}: ${RESPONSE}: WARC-Payload-Digest is sha256:`);
    expect(problems[2]).toMatch(new RegExp(`^${escape(WARC_PATH)}: sha256 is ${sha256Hex(tampered)}, custody entry \\d+ vouches for ${fileEntry(built.manifest, WARC_PATH).sha256}$`));
    // The rewritten manifest no longer lists the files the export entry vouches for.
    expect(problems[3]).toMatch(/^manifest files list: canonical JSON sha256 is [0-9a-f]{64}, export entry \d+ vouches for [0-9a-f]{64}/);
  });

  it('a revisit whose body is not in the package', async () => {
    const { revisit, bodySha256 } = await captureWarcs();
    const dir = tempDir();
    writePackage(dir, [{ path: 'r/8.warc.gz', bytes: revisit, leafType: 'capture' }], []);
    expect(verifyFolder(dir).problems).toEqual([
      `r/8.warc.gz: record 1 (revisit "<urn:uuid:00000000-0000-4000-8000-000000000008>"): refers to a body with payload digest sha256:${bodySha256}, and no response record in the package holds it`,
    ]);
  });

  it('a file removed', async () => {
    const built = await writeSamplePackage(tempDir());
    rmSync(join(built.dir, 'report-12/captures/7.png'));
    expect(verifyFolder(built.dir).problems).toEqual(['report-12/captures/7.png: listed in the manifest but missing from the package']);
  });

  it('report.json edited: the file hash and the record whose value changed', async () => {
    const built = await writeSamplePackage(tempDir());
    const path = join(built.dir, 'report-12/report.json');
    const original = readFileSync(path);
    const edited = Buffer.from(original.toString('utf8').replace('abuse@copy.example', 'nobody@copy.example'));
    writeFileSync(path, edited);
    const record = built.manifest.records[1];
    const { problems } = verifyFolder(built.dir);
    expect(problems).toEqual([
      `report-12/report.json: ${edited.length} bytes, the manifest says ${original.length}`,
      `report-12/report.json: sha256 is ${sha256Hex(edited)}, the manifest says ${sha256Hex(original)}`,
      expect.stringMatching(new RegExp(`^record "report-12/report.json" "/history/1" \\(logIndex ${record.logIndex}\\): canonical JSON sha256 is [0-9a-f]{64}, custody entry ${record.logIndex} vouches for [0-9a-f]{64}$`)),
    ]);
  });

  it('a manifest hash edited', async () => {
    const built = await writeSamplePackage(tempDir());
    const manifest = readManifest(built.dir);
    const entry = fileEntry(manifest, 'report-12/comparison.html');
    const real = entry.sha256;
    entry.sha256 = sha256Hex('something else');
    writeManifest(built.dir, manifest);
    expect(verifyFolder(built.dir).problems).toEqual([
      `report-12/comparison.html: sha256 is ${real}, the manifest says ${entry.sha256}`,
      expect.stringMatching(/^manifest files list: canonical JSON sha256 is [0-9a-f]{64}, export entry \d+ vouches for/),
    ]);
  });

  it('an inclusion proof re-ordered', async () => {
    const built = await writeSamplePackage(tempDir());
    const manifest = readManifest(built.dir);
    const entry = manifest.custody.entries[2];
    [entry.proof[0], entry.proof[1]] = [entry.proof[1], entry.proof[0]];
    writeManifest(built.dir, manifest);
    expect(verifyFolder(built.dir).problems).toEqual([
      expect.stringMatching(new RegExp(`^custody entry ${entry.index}: inclusion proof leads to root [0-9a-f]{64}, the tree head's root is ${manifest.custody.treeHead.rootHash}$`)),
    ]);
  });

  it('an inclusion proof of the wrong length, an entry outside the tree, a leaf edited', async () => {
    const built = await writeSamplePackage(tempDir());
    const manifest = readManifest(built.dir);
    const [short, outside, edited] = manifest.custody.entries;
    const size = manifest.custody.treeHead.size;
    const needed = short.proof.length;
    short.proof.pop();
    outside.index = size;
    edited.leaf = edited.leaf.replace('"capture"', '"render"');
    writeManifest(built.dir, manifest);
    const { problems } = verifyFolder(built.dir);
    expect(problems).toContain(`custody entry ${short.index}: inclusion proof has ${needed - 1} hashes, a leaf at index ${short.index} of a tree of size ${size} needs ${needed}`);
    expect(problems).toContain(`custody entry ${size}: index is outside the tree head's size ${size}`);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^custody entry ${edited.index}: inclusion proof leads to root`)));
  });

  it('the tree head re-signed with another key: signature replaced only', async () => {
    const built = await writeSamplePackage(tempDir());
    const manifest = readManifest(built.dir);
    manifest.custody.treeHead.signature = signTreeHead(manifest.custody.treeHead, newSigningKey().privateKey);
    writeManifest(built.dir, manifest);
    expect(verifyFolder(built.dir).problems).toEqual([`tree head signature does not verify with the package's public key ${built.keyId}`]);
  });

  it('the tree head re-signed with another key: key and signature replaced', async () => {
    const built = await writeSamplePackage(tempDir());
    const manifest = readManifest(built.dir);
    const other = newSigningKey();
    const otherId = keyIdFor(other.publicKeyPem);
    Object.assign(manifest.custody, { publicKey: other.publicKeyPem, keyId: otherId });
    manifest.custody.treeHead.signature = signTreeHead(manifest.custody.treeHead, other.privateKey);
    writeManifest(built.dir, manifest);
    // Internally consistent: only a key the user trusts can tell.
    expect(verifyFolder(built.dir).problems).toEqual([]);
    expect(verifyFolder(built.dir, { publicKeyPem: built.publicKeyPem }).problems).toEqual([`the package's public key ${otherId} is not the trusted key ${built.keyId}`]);
    // The same, had the forger forgotten the keyId.
    manifest.custody.keyId = built.keyId;
    writeManifest(built.dir, manifest);
    expect(verifyFolder(built.dir).problems).toEqual([`custody.keyId is "${built.keyId}", the public key's keyId is ${otherId}`]);
  });

  it('an extra file the manifest does not list', async () => {
    const built = await writeSamplePackage(tempDir());
    writeFileSync(join(built.dir, 'report-12/captures/extra.txt'), 'added later');
    writeFileSync(join(built.dir, '.DS_Store'), 'Finder litter is not part of the package');
    expect(verifyFolder(built.dir).problems).toEqual(['"report-12/captures/extra.txt": in the package but not listed in the manifest']);
  });

  it('a corrupt or missing manifest is a problem, not a crash', async () => {
    const built = await writeSamplePackage(tempDir());
    const manifestPath = join(built.dir, 'manifest.json');
    const text = readFileSync(manifestPath, 'utf8');
    writeFileSync(manifestPath, text.slice(0, text.length / 2));
    expect(verifyFolder(built.dir)).toEqual({ ok: false, checked: [], problems: [expect.stringMatching(/^manifest.json is not valid JSON: /)], notes: [] });
    writeFileSync(manifestPath, Buffer.from([0xff, 0xfe, 0x7b, 0x7d]));
    expect(verifyFolder(built.dir).problems).toEqual([expect.stringMatching(/^manifest.json is not valid JSON: /)]);
    writeFileSync(manifestPath, '{"format":"copyhound-evidence-package/2"}');
    expect(verifyFolder(built.dir).problems).toEqual(['manifest.json format is "copyhound-evidence-package/2"; this verifier checks "copyhound-evidence-package/1" only']);
    rmSync(manifestPath);
    expect(verifyFolder(built.dir).problems).toEqual(['manifest.json is missing']);
  });
});

describe('verifyPackage against hostile manifests and folders', () => {
  it('never reads outside the package or through a link', async () => {
    const outer = tempDir();
    const dir = join(outer, 'pkg');
    const built = await writeSamplePackage(dir);
    writeFileSync(join(outer, 'secret.txt'), 'outside');
    symlinkSync(join(outer, 'secret.txt'), join(dir, 'report-12/link.txt'));
    const manifest = readManifest(dir);
    manifest.files.push({ path: '../secret.txt', sha256: sha256Hex('outside'), bytes: 7 }, { path: 'report-12/link.txt', sha256: sha256Hex('outside'), bytes: 7 });
    writeManifest(dir, manifest);
    expect(verifyFolder(built.dir).problems).toEqual([
      `manifest files[13]: path "../secret.txt" is not a plain relative path (empty, "." or ".." part)`,
      'report-12/link.txt: could not be read: is a symbolic link; a package holds plain files only',
      expect.stringMatching(/^manifest files list: canonical JSON sha256 is [0-9a-f]{64}, export entry \d+ vouches for/),
    ]);
  });

  it('survives any field of the manifest replaced by any JSON type, and fails whenever a checked field is wrong', async () => {
    const built = await writeSamplePackage(tempDir());
    const files = filesOf(built.dir);
    const pristine = readManifest(built.dir);
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) walk(child, [...path, Array.isArray(value) ? Number(key) : key]);
    };
    walk(pristine, []);
    const unchecked = new Set(['createdAt', 'software', 'reports']);
    for (const path of paths) {
      for (const replacement of [null, 0, 'x', [], {}, true, -1.5]) {
        const manifest = structuredClone(pristine);
        if (path.length === 0) continue;
        const parent = path.slice(0, -1).reduce((value, key) => value[key], manifest);
        parent[path[path.length - 1]] = replacement;
        files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
        const result = verifyPackage(memoryReader(files));
        const where = `${path.join('.')} = ${JSON.stringify(replacement)}`;
        expect(result.problems.filter((problem) => problem.startsWith('verification stopped early')), where).toEqual([]);
        // An empty records list is valid: the format cannot say which records must be there.
        const valid = unchecked.has(String(path[0])) || (path.join('.') === 'records' && Array.isArray(replacement));
        if (!valid) expect(result.ok, where).toBe(false);
      }
    }
  });

  it('a reader that throws is a problem, not a crash', () => {
    const result = verifyPackage({
      list: () => {
        throw new Error('disk gone');
      },
      read: () => {
        throw new Error('disk gone');
      },
    });
    expect(result).toEqual({ ok: false, checked: [], problems: ['manifest.json could not be read: disk gone'], notes: [] });
  });

  it('caps the number of problems a hostile package can produce', async () => {
    const built = await writeSamplePackage(tempDir());
    const files = filesOf(built.dir);
    for (let i = 0; i < 1500; i++) files.set(`junk/${i}.txt`, Buffer.from('x'));
    const { problems } = verifyPackage(memoryReader(files));
    expect(problems).toHaveLength(1001);
    expect(problems[1000]).toBe('…and 500 more problems');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
