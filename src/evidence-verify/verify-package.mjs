// Copyhound evidence package verifier, format copyhound-evidence-package/1.
//
//   node verify.mjs [folder] [--public-key FILE] [--json]
//
// Checks, offline, that an unzipped evidence package is whole and untouched: every file's size and
// SHA-256, the WARC block and payload digests, the custody log's inclusion proofs (RFC 9162) and
// the Ed25519 signature on its tree head. Exit status: 0 all checks passed, 1 a problem was
// found, 2 bad usage. Pass --public-key with the publisher's key obtained separately: otherwise
// the signature only proves the package agrees with the key it carries.
//
// Self-contained on purpose (Node.js builtins only, Node 18 or later): this exact file is copied
// into every package, so anyone can read and run it without installing anything.
import * as nodeCrypto from 'node:crypto';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const PACKAGE_FORMAT = 'copyhound-evidence-package/1';
const TREE_HEAD_CONTEXT = 'copyhound-tree-head-v1';
// capture_pruned: a capture removed by `captures prune` (a tombstone; never a package's own file).
const LEAF_TYPES = new Set(['capture', 'render', 'decision', 'report_event', 'export', 'capture_pruned']);
const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** A manifest or JSON file larger than this is refused: a custody entry with its proof is ~3 KB, so this fits tens of thousands. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Files are hashed in memory; captures are capped at 1 GiB (fetch.maxBodyBytes' ceiling), so real files stay well below. */
const MAX_FILE_BYTES = 2 ** 31 - 1;
/** Decompressed size of one capture's WARC: a body of at most 1 GiB (fetch.maxBodyBytes' ceiling) plus headers and metadata; stops a gzip bomb. */
const MAX_WARC_BYTES = 1024 ** 3 + 16 * 1024 ** 2;
/** A capture file holds 4 records; even an export of every capture of a large report stays far below. */
const MAX_WARC_RECORDS = 100_000;
/** Our WARC header blocks are under 2 KB; a hostile file must not make us scan megabytes for the blank line. */
const MAX_WARC_HEADER_BYTES = 64 * 1024;
/** HTTP clients refuse headers past 16 KiB by default; 256 KiB leaves room for WARCs from other tools. */
const MAX_HTTP_HEADER_BYTES = 256 * 1024;
/** Past this many problems the package is plainly bad; more lines would only flood the terminal. */
const MAX_PROBLEMS = 1000;
/** A package holds about ten files per report; a folder with more than this is not a package. */
const MAX_PACKAGE_FILES = 100_000;
/** The layout is two levels deep; deeper nesting only costs time. */
const MAX_FOLDER_DEPTH = 16;
/** Longest manifest path accepted: far beyond report-<id>/captures/<id>-body.warc.gz. */
const MAX_PATH_CHARS = 1024;
/** A public key file is a few hundred bytes of PEM. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
/** Files named one by one in the note on files outside the custody log; past this, a count. */
const MAX_NOTED_FILES = 20;
/** Untrusted text quoted in a message is cut here so one field cannot flood the report. */
const MAX_QUOTED_CHARS = 200;

// ---------------------------------------------------------------- canonical JSON and hashing

/** JSON with object keys sorted by UTF-16 code units, no whitespace, JSON.stringify's value forms. */
export function canonicalJson(value) {
  const text = canonicalText(value, new Set());
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form (undefined, a function or a symbol)');
  return text;
}

function canonicalText(value, ancestors) {
  if (value !== null && typeof value === 'object' && typeof value.toJSON === 'function') value = value.toJSON();
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON form');
    case 'object':
      break;
    default:
      return undefined;
  }
  if (ancestors.has(value)) throw new TypeError('canonicalJson: the value contains itself (a cycle)');
  ancestors.add(value);
  let text;
  if (Array.isArray(value)) {
    text = `[${value.map((item) => canonicalText(item, ancestors) ?? 'null').join(',')}]`;
  } else {
    // Object.keys puts integer-like keys first; the format wants plain code-unit order.
    const members = [];
    for (const key of Object.keys(value).sort()) {
      const member = canonicalText(value[key], ancestors);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    text = `{${members.join(',')}}`;
  }
  ancestors.delete(value);
  return text;
}

// One-shot hashing where Node has it (20.12+): a consent change hashes ~40,000 leaves and nodes,
// and a hash object per call cost half as much again. Older Node takes the streaming form.
// (A namespace import: a named import of `hash` would fail to load on a Node without it.)
const oneShot = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : undefined;

function sha256(...parts) {
  if (oneShot) return oneShot('sha256', parts.length === 1 ? parts[0] : Buffer.concat(parts), 'buffer');
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** RFC 6962 leaf hash: SHA-256(0x00 || bytes); a string is hashed as its UTF-8 bytes. */
export function hashLeaf(bytes) {
  return sha256(LEAF_PREFIX, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export function hashChildren(left, right) {
  return sha256(NODE_PREFIX, left, right);
}

/** A 32-byte hash from bytes or hex, or undefined when it is neither. */
function toHash(value) {
  if (typeof value === 'string') return /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : undefined;
  if (value instanceof Uint8Array && value.length === HASH_BYTES) return Buffer.from(value);
  return undefined;
}

function toHashList(proof) {
  // 64 levels cover every tree size a JavaScript number can count exactly.
  if (!Array.isArray(proof) || proof.length > 64) return undefined;
  const hashes = proof.map(toHash);
  return hashes.every(Boolean) ? hashes : undefined;
}

function isCount(value) {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Halving without bitwise operators, which would truncate sizes above 2^31. */
function half(value) {
  return Math.floor(value / 2);
}

function isOdd(value) {
  return value % 2 === 1;
}

// ---------------------------------------------------------------- Merkle proofs (RFC 9162)

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or undefined when the proof cannot be right. */
export function rootFromInclusion({ index, size, leafHash, proof }) {
  if (!isCount(size) || !isCount(index) || index >= size) return undefined;
  const hashes = toHashList(proof);
  let root = toHash(leafHash);
  if (!hashes || !root) return undefined;
  let fn = index;
  let sn = size - 1;
  for (const sibling of hashes) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      root = hashChildren(sibling, root);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      root = hashChildren(root, sibling);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? root : undefined;
}

/** RFC 9162 §2.1.3.2: does `proof` place `leafHash` at `index` of the tree of `size` with root `rootHash`? */
export function verifyInclusion({ index, size, leafHash, proof, rootHash }) {
  const computed = rootFromInclusion({ index, size, leafHash, proof });
  const expected = toHash(rootHash);
  return Boolean(computed && expected && computed.equals(expected));
}

/** How many hashes an inclusion proof for `index` in a tree of `size` holds (RFC 9162 §2.1.3.1). */
export function inclusionProofLength(index, size) {
  if (!isCount(size) || !isCount(index) || index >= size) throw new RangeError(`no leaf ${quote(index)} in a tree of size ${quote(size)}`);
  let differing = BigInt(index) ^ BigInt(size - 1);
  let inner = 0;
  for (; differing > 0n; differing >>= 1n) inner += 1;
  let border = 0;
  for (let rest = BigInt(index) >> BigInt(inner); rest > 0n; rest >>= 1n) border += Number(rest & 1n);
  return inner + border;
}

function isPowerOfTwo(value) {
  if (value < 1) return false;
  while (value % 2 === 0) value /= 2;
  return value === 1;
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of size2 extends the tree of size1? */
export function verifyConsistency({ size1, size2, root1, root2, proof }) {
  if (!isCount(size1) || !isCount(size2) || size1 > size2) return false;
  const hashes = toHashList(proof);
  if (!hashes) return false;
  // Every tree extends the empty one; the proof is empty by definition.
  if (size1 === 0) return hashes.length === 0;
  const first = toHash(root1);
  const second = toHash(root2);
  if (!first || !second) return false;
  if (size1 === size2) return hashes.length === 0 && first.equals(second);
  if (hashes.length === 0) return false;
  const path = isPowerOfTwo(size1) ? [first, ...hashes] : hashes;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const node of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(node, fr);
      sr = hashChildren(node, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, node);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(first) && sr.equals(second);
}

// ---------------------------------------------------------------- tree head and keys

const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HEX64_PATTERN = /^[0-9a-f]{64}$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes a tree head signature covers. Throws on fields that would make the message ambiguous. */
export function treeHeadMessage({ size, rootHash, timestamp }) {
  const root = typeof rootHash === 'string' ? rootHash : toHash(rootHash)?.toString('hex');
  if (!isCount(size)) throw new TypeError(`tree head size must be a whole number ≥ 0, got ${quote(size)}`);
  if (typeof root !== 'string' || !HEX64_PATTERN.test(root)) throw new TypeError(`tree head rootHash must be 64 lowercase hex digits, got ${quote(rootHash)}`);
  if (typeof timestamp !== 'string' || !TIMESTAMP_PATTERN.test(timestamp)) {
    throw new TypeError(`tree head timestamp must be ISO-8601 UTC with milliseconds, got ${quote(timestamp)}`);
  }
  return Buffer.from(`${TREE_HEAD_CONTEXT}\n${size}\n${root}\n${timestamp}\n`, 'utf8');
}

function loadPublicKey(publicKeyPem) {
  if (typeof publicKeyPem !== 'string' || !publicKeyPem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new Error('not a PEM public key (-----BEGIN PUBLIC KEY-----)');
  }
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

/** Hex SHA-256 of the key's DER SPKI bytes. Throws when the text is not an Ed25519 PEM public key. */
export function keyIdOf(publicKeyPem) {
  return sha256(loadPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' })).toString('hex');
}

export function verifyTreeHead(treeHead, publicKeyPem) {
  try {
    const signature = treeHead?.signature;
    if (typeof signature !== 'string' || !BASE64_PATTERN.test(signature)) return false;
    return verifySignature(null, treeHeadMessage(treeHead), loadPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- WARC

const CRLF2 = Buffer.from('\r\n\r\n');
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DIGEST_ALGORITHMS = { sha256: { node: 'sha256', bytes: 32 }, sha1: { node: 'sha1', bytes: 20 } };

function inflateWarc(buffer) {
  const bytes = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    // Node inflates concatenated gzip members (one per record) in one call.
    return gunzipSync(bytes, { maxOutputLength: MAX_WARC_BYTES });
  } catch (error) {
    if (error?.code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`decompresses to more than ${MAX_WARC_BYTES} bytes`);
    throw new Error(`is not valid gzip: ${messageOf(error)}`);
  }
}

function readWarcRecord(data, offset, index) {
  const where = `record ${index} (byte ${offset})`;
  const window = data.subarray(offset, Math.min(data.length, offset + MAX_WARC_HEADER_BYTES + CRLF2.length));
  const headEnd = window.indexOf(CRLF2);
  if (headEnd < 0) throw new Error(`${where}: no end of WARC headers within ${MAX_WARC_HEADER_BYTES} bytes`);
  const lines = window.subarray(0, headEnd).toString('utf8').split('\r\n');
  const version = lines[0];
  if (!/^WARC\/1\.[01]$/.test(version)) throw new Error(`${where}: starts with ${quote(version)}, not WARC/1.0 or WARC/1.1`);
  const headers = Object.create(null);
  let last;
  for (const line of lines.slice(1)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      headers[last] += ` ${line.trim()}`; // WARC 1.0 folded header lines
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 1) throw new Error(`${where}: header line ${quote(line)} has no name`);
    last = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[last] = last in headers ? `${headers[last]}, ${value}` : value;
  }
  const length = headers['content-length'];
  if (!/^\d{1,15}$/.test(length ?? '')) throw new Error(`${where}: Content-Length ${quote(length)} is not a byte count`);
  const start = offset + headEnd + CRLF2.length;
  const end = start + Number(length);
  if (end > data.length) throw new Error(`${where}: Content-Length ${length} runs past the end of the file`);
  if (!data.subarray(end, end + CRLF2.length).equals(CRLF2)) throw new Error(`${where}: the block is not followed by the blank line that ends a record`);
  return { index, offset, version, headers, block: data.subarray(start, end), next: end + CRLF2.length };
}

/**
 * The records of a .warc.gz (gzip members, concatenated) or .warc file. Header names are
 * lower-cased; repeated headers are joined with ", ". Throws an Error naming the record and byte
 * offset (in the uncompressed stream) when the file is not well-formed or exceeds the bounds.
 */
export function parseWarc(buffer) {
  const data = inflateWarc(buffer);
  const records = [];
  let offset = 0;
  for (;;) {
    while (offset < data.length && (data[offset] === 0x0d || data[offset] === 0x0a)) offset += 1;
    if (offset >= data.length) break;
    if (records.length >= MAX_WARC_RECORDS) throw new Error(`more than ${MAX_WARC_RECORDS} records`);
    const { next, ...record } = readWarcRecord(data, offset, records.length);
    records.push(record);
    offset = next;
  }
  if (records.length === 0) throw new Error('holds no WARC records');
  return records;
}

function decodeBase32(text) {
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const char of text.toUpperCase().replace(/=+$/, '')) {
    const digit = BASE32_ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(bytes);
}

function encodeBase32(bytes) {
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32_ALPHABET[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) text += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return text;
}

/** { algorithm, expected bytes, render(bytes) } from "sha256:<hex|base32>", or { error }. */
function parseDigest(text) {
  const match = /^([A-Za-z0-9-]+):(\S+)$/.exec(text);
  if (!match) return { error: `is not <algorithm>:<value> (${quote(text)})` };
  const label = match[1];
  const algorithm = DIGEST_ALGORITHMS[label.toLowerCase().replace('-', '')];
  if (!algorithm) return { error: `uses ${quote(label)}, which this verifier cannot check (sha256 and sha1 only)` };
  const value = match[2];
  const hexLength = algorithm.bytes * 2;
  if (value.length === hexLength && /^[0-9a-fA-F]+$/.test(value)) {
    return { algorithm, expected: Buffer.from(value, 'hex'), render: (bytes) => `${label}:${bytes.toString('hex')}` };
  }
  const decoded = decodeBase32(value);
  if (decoded?.length === algorithm.bytes && value.replace(/=+$/, '').length === Math.ceil((algorithm.bytes * 8) / 5)) {
    const padded = (text) => (value.endsWith('=') ? text.padEnd(Math.ceil(text.length / 8) * 8, '=') : text);
    return { algorithm, expected: decoded, render: (bytes) => `${label}:${padded(encodeBase32(bytes))}` };
  }
  return { error: `value ${quote(value)} is neither hex nor base32 for ${label}` };
}

function recordName(record) {
  const id = record.headers['warc-record-id'] ?? 'no WARC-Record-ID';
  return `record ${record.index} (${record.headers['warc-type'] ?? 'no WARC-Type'} ${quote(id)})`;
}

/** The payload: after the HTTP header block for HTTP messages, else the whole block. */
function payloadOf(record) {
  const type = record.headers['warc-type'];
  const isHttp = /^application\/http\b/i.test(record.headers['content-type'] ?? '');
  if (!isHttp || (type !== 'response' && type !== 'request')) return { payload: record.block };
  const window = record.block.subarray(0, MAX_HTTP_HEADER_BYTES + CRLF2.length);
  const end = window.indexOf(CRLF2);
  if (end < 0) return { error: `its HTTP header block has no end within ${MAX_HTTP_HEADER_BYTES} bytes` };
  return { payload: record.block.subarray(end + CRLF2.length) };
}

function checkDigest(record, header, bytes, what, problems) {
  const parsed = parseDigest(record.headers[header.toLowerCase()]);
  const name = `${recordName(record)}: ${header}`;
  if (parsed.error) {
    problems.push(`${name} ${parsed.error}`);
    return;
  }
  const found = createHash(parsed.algorithm.node).update(bytes).digest();
  if (!found.equals(parsed.expected)) problems.push(`${name} is ${parsed.render(parsed.expected)}, the ${what} hashes to ${parsed.render(found)}`);
}

function inspectWarc(buffer) {
  let records;
  try {
    records = parseWarc(buffer);
  } catch (error) {
    return { records: 0, digests: 0, problems: [`not a readable WARC file: ${messageOf(error)}`], revisits: [], payloadDigests: new Set() };
  }
  const problems = [];
  const revisits = [];
  const payloadDigests = new Set();
  let digests = 0;
  for (const record of records) {
    const type = record.headers['warc-type'];
    if (record.headers['warc-block-digest'] !== undefined) {
      checkDigest(record, 'WARC-Block-Digest', record.block, 'block', problems);
      digests += 1;
    } else if (type !== 'warcinfo') {
      problems.push(`${recordName(record)}: has no WARC-Block-Digest`);
    }
    const payloadDigest = record.headers['warc-payload-digest'];
    if (type === 'revisit') {
      // Its payload digest names the body it refers to, which another record holds.
      if (payloadDigest !== undefined) revisits.push({ name: recordName(record), digest: payloadDigest });
      continue;
    }
    if (payloadDigest === undefined) {
      if (type === 'response' || type === 'resource') problems.push(`${recordName(record)}: has no WARC-Payload-Digest`);
      continue;
    }
    const { payload, error } = payloadOf(record);
    if (error) {
      problems.push(`${recordName(record)}: ${error}`);
      continue;
    }
    checkDigest(record, 'WARC-Payload-Digest', payload, 'payload', problems);
    digests += 1;
    if (type === 'response' || type === 'resource') {
      for (const [label, algorithm] of Object.entries(DIGEST_ALGORITHMS)) {
        payloadDigests.add(`${label}:${createHash(algorithm.node).update(payload).digest('hex')}`);
      }
    }
  }
  return { records: records.length, digests, problems, revisits, payloadDigests };
}

/** Recomputes every record's WARC-Block-Digest and WARC-Payload-Digest; each problem names the record. */
export function checkWarcDigests(buffer) {
  const { records, digests, problems } = inspectWarc(buffer);
  return { records, digests, problems };
}

// ---------------------------------------------------------------- JSON pointer (RFC 6901)

function resolvePointer(document, pointer) {
  if (pointer === '') return { value: document };
  if (!pointer.startsWith('/')) return { error: 'does not start with "/"' };
  let current = document;
  for (const raw of pointer.slice(1).split('/')) {
    if (/~(?![01])/.test(raw)) return { error: `has an invalid escape in ${quote(raw)}` };
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= current.length) {
        return { error: `${quote(token)} is not an index of an array of ${current.length} items` };
      }
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object') {
      if (!Object.hasOwn(current, token)) return { error: `finds no member ${quote(token)}` };
      current = current[token];
    } else {
      return { error: `reaches ${quote(token)} below a ${current === null ? 'null' : typeof current} value` };
    }
  }
  return { value: current };
}

// ---------------------------------------------------------------- package checks

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** Untrusted text for a message: JSON-quoted (controls escaped) and cut short. */
function quote(value) {
  let text;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text;
}

function counted(count, noun, plural = `${noun}s`) {
  return `${count} ${count === 1 ? noun : plural}`;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isHex64(value) {
  return typeof value === 'string' && HEX64_PATTERN.test(value);
}

/** Why a manifest path is unsafe to open inside the package folder, or undefined when it is fine. */
function unsafePathReason(path) {
  if (typeof path !== 'string' || path === '') return 'is not a non-empty string';
  if (path.length > MAX_PATH_CHARS) return `is longer than ${MAX_PATH_CHARS} characters`;
  if (/[\\:\u0000-\u001f\u007f-\u009f]/.test(path)) return 'contains a backslash, a colon or a control character';
  if (path.split('/').some((part) => part === '' || part === '.' || part === '..')) return 'is not a plain relative path (empty, "." or ".." part)';
  return undefined;
}

function createRun() {
  const problems = [];
  const checked = [];
  const notes = [];
  let dropped = 0;
  return {
    problem(text) {
      if (problems.length < MAX_PROBLEMS) problems.push(text);
      else dropped += 1;
    },
    check(text) {
      checked.push(text);
    },
    note(text) {
      notes.push(text);
    },
    result() {
      const all = dropped > 0 ? [...problems, `…and ${dropped} more problems`] : problems;
      return { ok: all.length === 0, checked, problems: all, notes };
    },
  };
}

function asBuffer(bytes) {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
}

function readPackageFile(run, reader, path) {
  try {
    const bytes = reader.read(path);
    if (bytes === undefined || bytes === null) {
      run.problem(`${path}: listed in the manifest but missing from the package`);
      return undefined;
    }
    return asBuffer(bytes);
  } catch (error) {
    run.problem(`${path}: could not be read: ${messageOf(error)}`);
    return undefined;
  }
}

function parseJsonBytes(bytes) {
  if (bytes.length > MAX_JSON_BYTES) throw new Error(`${bytes.length} bytes, more than the ${MAX_JSON_BYTES} this verifier reads`);
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

function readManifest(run, reader) {
  let bytes;
  try {
    bytes = reader.read('manifest.json');
  } catch (error) {
    run.problem(`manifest.json could not be read: ${messageOf(error)}`);
    return undefined;
  }
  if (bytes === undefined || bytes === null) {
    run.problem('manifest.json is missing');
    return undefined;
  }
  let manifest;
  try {
    manifest = parseJsonBytes(asBuffer(bytes));
  } catch (error) {
    run.problem(`manifest.json is not valid JSON: ${messageOf(error)}`);
    return undefined;
  }
  if (!isObject(manifest)) {
    run.problem('manifest.json is not a JSON object');
    return undefined;
  }
  if (manifest.format !== PACKAGE_FORMAT) {
    run.problem(`manifest.json format is ${quote(manifest.format)}; this verifier checks "${PACKAGE_FORMAT}" only`);
    return undefined;
  }
  run.check(`manifest.json: format ${PACKAGE_FORMAT}`);
  return manifest;
}

function checkWarcFile(run, path, bytes, warcs) {
  const inspected = inspectWarc(bytes);
  warcs.files += 1;
  warcs.records += inspected.records;
  warcs.digests += inspected.digests;
  for (const problem of inspected.problems) run.problem(`${path}: ${problem}`);
  for (const revisit of inspected.revisits) warcs.revisits.push({ path, ...revisit });
  for (const digest of inspected.payloadDigests) warcs.payloadDigests.add(digest);
}

function checkRevisitBodies(run, warcs) {
  for (const { path, name, digest } of warcs.revisits) {
    const parsed = parseDigest(digest);
    if (parsed.error) {
      run.problem(`${path}: ${name}: WARC-Payload-Digest ${parsed.error}`);
      continue;
    }
    const label = parsed.algorithm.node;
    if (!warcs.payloadDigests.has(`${label}:${parsed.expected.toString('hex')}`)) {
      run.problem(`${path}: ${name}: refers to a body with payload digest ${digest}, and no response record in the package holds it`);
    }
  }
  if (warcs.revisits.length > 0) run.check(`${counted(warcs.revisits.length, 'revisit record')}: the body each refers to is in the package (same payload digest)`);
}

/** Size, sha256 and (for WARC files) record digests of every listed file. */
function checkFiles(run, reader, manifest) {
  const listed = new Map();
  if (!Array.isArray(manifest.files)) {
    run.problem('manifest.json has no "files" array');
    return listed;
  }
  const warcs = { files: 0, records: 0, digests: 0, revisits: [], payloadDigests: new Set() };
  manifest.files.forEach((entry, position) => {
    const where = `manifest files[${position}]`;
    if (!isObject(entry)) return run.problem(`${where} is not an object`);
    const { path } = entry;
    const unsafe = unsafePathReason(path);
    if (unsafe) return run.problem(`${where}: path ${quote(path)} ${unsafe}`);
    if (path === 'manifest.json') return run.problem(`${where}: manifest.json lists itself`);
    if (listed.has(path)) return run.problem(`${where}: ${path} is listed twice`);
    const file = { path, entry, sha256: undefined };
    listed.set(path, file);
    if (!isHex64(entry.sha256)) run.problem(`${path}: the manifest's sha256 ${quote(entry.sha256)} is not 64 lowercase hex digits`);
    if (!isCount(entry.bytes)) run.problem(`${path}: the manifest's bytes ${quote(entry.bytes)} is not a whole number`);
    if (entry.logIndex !== undefined && !isCount(entry.logIndex)) run.problem(`${path}: the manifest's logIndex ${quote(entry.logIndex)} is not a whole number`);
    const bytes = readPackageFile(run, reader, path);
    if (!bytes) return;
    file.sha256 = sha256(bytes).toString('hex');
    if (isCount(entry.bytes) && bytes.length !== entry.bytes) run.problem(`${path}: ${bytes.length} bytes, the manifest says ${entry.bytes}`);
    if (isHex64(entry.sha256) && file.sha256 !== entry.sha256) run.problem(`${path}: sha256 is ${file.sha256}, the manifest says ${entry.sha256}`);
    if (/\.warc(\.gz)?$/i.test(path)) checkWarcFile(run, path, bytes, warcs);
  });
  run.check(`${counted(listed.size, 'file')}: sha256 and size`);
  if (warcs.files > 0) run.check(`${counted(warcs.files, 'WARC file')}: ${counted(warcs.records, 'record')}, ${warcs.digests} block and payload digests`);
  checkRevisitBodies(run, warcs);
  return listed;
}

function checkUnlisted(run, reader, listed) {
  let names;
  try {
    names = reader.list();
  } catch (error) {
    return run.problem(`the package's files could not be listed: ${messageOf(error)}`);
  }
  for (const name of names) {
    if (name !== 'manifest.json' && !listed.has(name)) run.problem(`${quote(name)}: in the package but not listed in the manifest`);
  }
  run.check('no files beyond those the manifest lists');
}

function checkKeys(run, custody, options) {
  let keyId;
  try {
    keyId = keyIdOf(custody.publicKey);
  } catch (error) {
    run.problem(`custody.publicKey is not a usable Ed25519 public key: ${messageOf(error)}`);
  }
  if (keyId !== undefined) {
    if (custody.keyId !== keyId) run.problem(`custody.keyId is ${quote(custody.keyId)}, the public key's keyId is ${keyId}`);
    run.check(`custody.keyId is the SHA-256 of the public key (${keyId})`);
  }
  if (options.publicKeyPem == null) {
    run.note("The package's key was not compared with a key you trust: pass --public-key FILE (options.publicKeyPem) with the publisher's key obtained separately.");
    return keyId;
  }
  let trustedId;
  try {
    trustedId = keyIdOf(options.publicKeyPem);
  } catch (error) {
    run.problem(`the trusted public key is not a usable Ed25519 public key: ${messageOf(error)}`);
  }
  if (trustedId !== undefined && keyId !== undefined) {
    if (trustedId !== keyId) run.problem(`the package's public key ${keyId} is not the trusted key ${trustedId}`);
    run.check(`the package's public key compared with the trusted key ${trustedId}`);
  }
  return keyId;
}

/** The tree head when every field is well-formed, else undefined (each bad field is a problem). */
function checkTreeHead(run, custody, keyId) {
  const head = custody.treeHead;
  if (!isObject(head)) {
    run.problem('custody.treeHead is missing or not an object');
    return undefined;
  }
  const faults = [];
  if (!isCount(head.size)) faults.push(`size ${quote(head.size)} is not a whole number`);
  if (!isHex64(head.rootHash)) faults.push(`rootHash ${quote(head.rootHash)} is not 64 lowercase hex digits`);
  if (typeof head.timestamp !== 'string' || !TIMESTAMP_PATTERN.test(head.timestamp)) {
    faults.push(`timestamp ${quote(head.timestamp)} is not ISO-8601 UTC with milliseconds`);
  }
  if (typeof head.signature !== 'string' || !BASE64_PATTERN.test(head.signature)) faults.push(`signature ${quote(head.signature)} is not base64`);
  for (const fault of faults) run.problem(`custody.treeHead.${fault}`);
  if (faults.length > 0) return undefined;
  if (keyId !== undefined) {
    if (!verifyTreeHead(head, custody.publicKey)) run.problem(`tree head signature does not verify with the package's public key ${keyId}`);
    run.check(`tree head signature (Ed25519, key ${keyId}) over size ${head.size}, root ${head.rootHash}, ${head.timestamp}`);
  }
  return head;
}

/** The sha256 a leaf vouches for, or a reason it is not a well-formed leaf. */
function parseLeaf(leaf) {
  let value;
  try {
    value = JSON.parse(leaf);
  } catch (error) {
    return { error: `leaf is not JSON: ${messageOf(error)}` };
  }
  if (!isObject(value)) return { error: 'leaf is not a JSON object' };
  if (canonicalJson(value) !== leaf) return { error: 'leaf is not canonical JSON' };
  if (value.v !== 1) return { error: `leaf v is ${quote(value.v)}, expected 1` };
  if (!LEAF_TYPES.has(value.type)) return { error: `leaf type ${quote(value.type)} is not one of ${[...LEAF_TYPES].join(', ')}` };
  if (typeof value.at !== 'string') return { error: `leaf at ${quote(value.at)} is not a timestamp` };
  if (!isHex64(value.sha256)) return { error: `leaf sha256 ${quote(value.sha256)} is not 64 lowercase hex digits` };
  return { sha256: value.sha256, type: value.type };
}

function checkEntryProof(run, entry, head) {
  const name = `custody entry ${entry.index}`;
  if (entry.index >= head.size) return run.problem(`${name}: index is outside the tree head's size ${head.size}`);
  const expected = inclusionProofLength(entry.index, head.size);
  if (entry.proof.length !== expected) {
    return run.problem(`${name}: inclusion proof has ${entry.proof.length} hashes, a leaf at index ${entry.index} of a tree of size ${head.size} needs ${expected}`);
  }
  const bad = entry.proof.findIndex((hash) => !isHex64(hash));
  if (bad >= 0) return run.problem(`${name}: proof[${bad}] ${quote(entry.proof[bad])} is not 64 lowercase hex digits`);
  const root = rootFromInclusion({ index: entry.index, size: head.size, leafHash: hashLeaf(entry.leaf), proof: entry.proof });
  if (!root || root.toString('hex') !== head.rootHash) {
    run.problem(`${name}: inclusion proof leads to root ${root ? root.toString('hex') : '(none)'}, the tree head's root is ${head.rootHash}`);
  }
}

/** Every custody entry's leaf and inclusion proof; returns the entries by index. */
function checkCustody(run, manifest, options) {
  const byIndex = new Map();
  const custody = manifest.custody;
  if (!isObject(custody)) {
    run.problem('manifest.json has no "custody" object');
    return byIndex;
  }
  const keyId = checkKeys(run, custody, options);
  const head = checkTreeHead(run, custody, keyId);
  if (custody.timestampToken !== undefined) run.note('custody.timestampToken (RFC 3161) is present but not checked by this verifier.');
  if (!Array.isArray(custody.entries)) {
    run.problem('custody.entries is not an array');
    return byIndex;
  }
  custody.entries.forEach((entry, position) => {
    const where = `custody entries[${position}]`;
    if (!isObject(entry)) return run.problem(`${where} is not an object`);
    if (!isCount(entry.index)) return run.problem(`${where}: index ${quote(entry.index)} is not a whole number`);
    const name = `custody entry ${entry.index}`;
    if (byIndex.has(entry.index)) return run.problem(`${where}: index ${entry.index} appears twice`);
    if (typeof entry.leaf !== 'string') return run.problem(`${name}: leaf is not a string`);
    if (!Array.isArray(entry.proof)) return run.problem(`${name}: proof is not an array`);
    const leaf = parseLeaf(entry.leaf);
    if (leaf.error) run.problem(`${name}: ${leaf.error}`);
    byIndex.set(entry.index, { index: entry.index, sha256: leaf.sha256, type: leaf.type });
    if (head) checkEntryProof(run, entry, head);
  });
  if (head) run.check(`${counted(custody.entries.length, 'custody entry', 'custody entries')}: inclusion proofs against tree head of size ${head.size}`);
  return byIndex;
}

/** Each file naming a logIndex must be the bytes that custody entry vouches for. */
function checkFileVouchers(run, listed, entries) {
  let count = 0;
  for (const { path, entry, sha256: actual } of listed.values()) {
    if (!isCount(entry.logIndex)) continue;
    count += 1;
    const vouch = entries.get(entry.logIndex);
    if (!vouch) {
      run.problem(`${path}: logIndex ${entry.logIndex} has no custody entry in the manifest`);
      continue;
    }
    if (vouch.sha256 === undefined) continue; // its malformed leaf is already a problem
    const found = actual ?? entry.sha256;
    const source = actual ? 'sha256' : "manifest's sha256";
    const shown = isHex64(found) ? found : quote(found);
    if (found !== vouch.sha256) run.problem(`${path}: ${source} is ${shown}, custody entry ${entry.logIndex} vouches for ${vouch.sha256}`);
  }
  run.check(`${counted(count, 'file')} with a logIndex: sha256 equals the custody entry's`);
}

/**
 * The export entry vouches for the manifest's whole file list (every path, size, sha256 and
 * logIndex), so no file can be changed, added or dropped, even with the manifest rewritten to
 * match, without the signed log telling. Returns whether it held.
 */
function checkExportEntry(run, manifest, entries) {
  const index = manifest.custody?.exportEntry;
  if (!isCount(index)) {
    run.problem(`custody.exportEntry ${quote(index)} is not a whole number: nothing in the signed log vouches for the file list`);
    return false;
  }
  const vouch = entries.get(index);
  if (!vouch) return run.problem(`custody.exportEntry ${index} has no custody entry in the manifest`), false;
  if (vouch.type !== 'export') return run.problem(`custody entry ${index} is a ${quote(vouch.type)} entry, not the export's`), false;
  if (!Array.isArray(manifest.files)) return false;
  const found = sha256(canonicalJson(manifest.files)).toString('hex');
  if (found !== vouch.sha256) {
    run.problem(`manifest files list: canonical JSON sha256 is ${found}, export entry ${index} vouches for ${vouch.sha256} (a file, size, hash or logIndex was changed, added or removed)`);
    return false;
  }
  run.check(`the file list (every path, size and sha256) is the one export entry ${index} vouches for`);
  return true;
}

/** When the file list is not proved by the export entry, say which files rest on the manifest alone. */
function noteUnvouched(run, manifest, listed) {
  const partly = new Set(Array.isArray(manifest.records) ? manifest.records.map((record) => record?.file) : []);
  const bare = [...listed.values()].filter(({ path, entry }) => !isCount(entry.logIndex) && !partly.has(path)).map(({ path }) => path);
  if (bare.length === 0) return;
  const shown = bare.slice(0, MAX_NOTED_FILES).join(', ');
  const more = bare.length > MAX_NOTED_FILES ? ` and ${bare.length - MAX_NOTED_FILES} more` : '';
  run.note(`${counted(bare.length, 'file')} ${bare.length === 1 ? 'is' : 'are'} not vouched for by the custody log, only by this manifest: ${shown}${more}.`);
}

/** Each record's value (at its JSON pointer) must hash, as canonical JSON, to its entry's sha256. */
function checkRecords(run, reader, manifest, listed, entries) {
  if (!Array.isArray(manifest.records)) return run.problem('manifest.json has no "records" array');
  const documents = new Map();
  manifest.records.forEach((record, position) => {
    if (!isObject(record)) return run.problem(`manifest records[${position}] is not an object`);
    const { logIndex, file, pointer } = record;
    const name = `record ${quote(file)} ${quote(pointer)} (logIndex ${quote(logIndex)})`;
    if (typeof pointer !== 'string') return run.problem(`${name}: pointer is not a string`);
    if (!listed.has(file)) return run.problem(`${name}: the file is not listed in the manifest`);
    const vouch = isCount(logIndex) ? entries.get(logIndex) : undefined;
    if (!vouch) return run.problem(`${name}: logIndex has no custody entry in the manifest`);
    if (!documents.has(file)) documents.set(file, readJsonDocument(reader, file));
    const document = documents.get(file);
    if (document.error) return run.problem(`${name}: ${document.error}`);
    const target = resolvePointer(document.value, pointer);
    if (target.error) return run.problem(`${name}: the pointer ${target.error}`);
    const found = sha256(canonicalJson(target.value)).toString('hex');
    if (vouch.sha256 !== undefined && found !== vouch.sha256) {
      run.problem(`${name}: canonical JSON sha256 is ${found}, custody entry ${logIndex} vouches for ${vouch.sha256}`);
    }
  });
  run.check(`${counted(manifest.records.length, 'record')}: canonical JSON sha256 of the value at each JSON pointer equals the custody entry's`);
}

function readJsonDocument(reader, path) {
  try {
    const bytes = reader.read(path);
    if (bytes === undefined || bytes === null) return { error: 'the file is missing' };
    return { value: parseJsonBytes(asBuffer(bytes)) };
  } catch (error) {
    return { error: `the file is not readable JSON: ${messageOf(error)}` };
  }
}

/**
 * Verifies a package through `reader` ({ list(): string[], read(path): Buffer | undefined }).
 * Never throws: anything wrong, including a corrupt manifest, is a problem in the result.
 */
export function verifyPackage(reader, options = {}) {
  const run = createRun();
  try {
    const manifest = readManifest(run, reader);
    if (manifest) {
      const listed = checkFiles(run, reader, manifest);
      checkUnlisted(run, reader, listed);
      const entries = checkCustody(run, manifest, options ?? {});
      checkFileVouchers(run, listed, entries);
      checkRecords(run, reader, manifest, listed, entries);
      if (!checkExportEntry(run, manifest, entries)) noteUnvouched(run, manifest, listed);
    }
  } catch (error) {
    // A reader failure or a bug here must never read as a pass.
    run.problem(`verification stopped early: ${messageOf(error)}`);
  }
  return run.result();
}

// ---------------------------------------------------------------- folder reader and command line

/** OS litter a file browser may add to an unzipped folder; it is not part of any package. */
const IGNORED_NAMES = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);

/** A reader over an unzipped package folder that refuses to leave the folder or follow links. */
export function openFolderReader(folder) {
  const root = realpathSync(folder);
  return {
    list() {
      const names = [];
      const walk = (dir, prefix, depth) => {
        if (depth > MAX_FOLDER_DEPTH) throw new Error(`folders nest deeper than ${MAX_FOLDER_DEPTH} levels at ${prefix}`);
        const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of entries) {
          if (IGNORED_NAMES.has(entry.name)) continue;
          const name = `${prefix}${entry.name}`;
          if (entry.isDirectory()) walk(join(dir, entry.name), `${name}/`, depth + 1);
          else names.push(name);
          if (names.length > MAX_PACKAGE_FILES) throw new Error(`more than ${MAX_PACKAGE_FILES} files`);
        }
      };
      walk(root, '', 0);
      return names;
    },
    read(path) {
      const unsafe = unsafePathReason(path);
      if (unsafe) throw new Error(`path ${quote(path)} ${unsafe}`);
      const full = join(root, ...path.split('/'));
      let stats;
      try {
        stats = lstatSync(full);
      } catch (error) {
        if (error?.code === 'ENOENT' || error?.code === 'ENOTDIR') return undefined;
        throw error;
      }
      if (stats.isSymbolicLink()) throw new Error('is a symbolic link; a package holds plain files only');
      if (!stats.isFile()) throw new Error('is not a plain file');
      if (!realpathSync(full).startsWith(root + sep)) throw new Error('lies outside the package folder');
      if (stats.size > MAX_FILE_BYTES) throw new Error(`is ${stats.size} bytes, more than the ${MAX_FILE_BYTES} this verifier reads`);
      return readFileSync(full);
    },
  };
}

/** Escapes controls, line breaks and bidi overrides so package text cannot steer the terminal. */
function escapeForTerminal(text) {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The human-readable report the command prints. */
export function formatResult(result, folder) {
  const lines = [`Copyhound evidence package: ${folder}`, '', 'Checked:', ...result.checked.map((line) => `  - ${line}`)];
  if (result.notes?.length) lines.push('', 'Notes:', ...result.notes.map((line) => `  - ${line}`));
  if (result.problems.length > 0) lines.push('', `Problems (${result.problems.length}):`, ...result.problems.map((line) => `  - ${line}`));
  lines.push('', result.ok ? 'RESULT: OK, every check passed.' : `RESULT: FAILED, ${counted(result.problems.length, 'problem')} found.`);
  return lines.map(escapeForTerminal).join('\n');
}

const USAGE = 'usage: node verify.mjs [folder] [--public-key FILE] [--json]';

function parseArguments(args) {
  const parsed = { folder: undefined, publicKeyFile: undefined, json: false, help: false };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--json') parsed.json = true;
    else if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--public-key' || arg.startsWith('--public-key=')) {
      const value = arg === '--public-key' ? args[(i += 1)] : arg.slice('--public-key='.length);
      if (!value) return { error: '--public-key needs a file' };
      parsed.publicKeyFile = value;
    } else if (arg.startsWith('-')) return { error: `unknown option ${quote(arg)}` };
    else if (parsed.folder !== undefined) return { error: 'give at most one folder' };
    else parsed.folder = arg;
  }
  return parsed;
}

function readKeyFile(file) {
  const stats = statSync(file);
  if (!stats.isFile() || stats.size > MAX_KEY_FILE_BYTES) throw new Error(`is not a key file of at most ${MAX_KEY_FILE_BYTES} bytes`);
  return readFileSync(file, 'utf8');
}

/** Runs the command; returns the exit status (0 ok, 1 problems, 2 bad usage). */
export function runCli(args, defaultFolder, out = process.stdout, err = process.stderr) {
  const parsed = parseArguments(args);
  if (parsed.error) {
    err.write(`${escapeForTerminal(parsed.error)}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const folder = parsed.folder ?? defaultFolder;
  let reader;
  let publicKeyPem;
  try {
    if (!statSync(folder).isDirectory()) throw new Error('is not a folder');
    reader = openFolderReader(folder);
  } catch (error) {
    err.write(`${escapeForTerminal(`${folder}: ${messageOf(error)}`)}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.publicKeyFile !== undefined) {
    try {
      publicKeyPem = readKeyFile(parsed.publicKeyFile);
    } catch (error) {
      err.write(`${escapeForTerminal(`--public-key ${parsed.publicKeyFile}: ${messageOf(error)}`)}\n`);
      return 2;
    }
  }
  const result = verifyPackage(reader, { publicKeyPem });
  out.write(`${parsed.json ? escapeForTerminal(JSON.stringify({ folder, ...result })) : formatResult(result, folder)}\n`);
  return result.ok ? 0 : 1;
}

function isRunDirectly() {
  try {
    const script = process.argv[1];
    return script !== undefined && import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isRunDirectly()) process.exitCode = runCli(process.argv.slice(2), dirname(fileURLToPath(import.meta.url)));
