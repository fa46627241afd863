/** Types for verify-package.mjs, the self-contained evidence package verifier (copied into packages as verify.mjs). */

export declare const PACKAGE_FORMAT: 'copyhound-evidence-package/1';

/** A 32-byte hash as bytes or as 64 hex digits. */
export type HashInput = Uint8Array | string;

/** JSON with keys sorted by UTF-16 code units, no whitespace. Throws TypeError for cycles, BigInt, or a top-level value with no JSON form. */
export declare function canonicalJson(value: unknown): string;

/** RFC 6962 leaf hash SHA-256(0x00 || bytes); a string is hashed as UTF-8. */
export declare function hashLeaf(bytes: Uint8Array | string): Buffer;
/** RFC 6962 node hash SHA-256(0x01 || left || right). */
export declare function hashChildren(left: Uint8Array, right: Uint8Array): Buffer;

export interface InclusionInput {
  index: number;
  size: number;
  leafHash: HashInput;
  /** RFC 9162 §2.1.3.1 audit path, leaf to root. */
  proof: readonly HashInput[];
}

/** RFC 9162 §2.1.3.2: the root the proof leads to, or undefined when it cannot be a valid proof. */
export declare function rootFromInclusion(input: InclusionInput): Buffer | undefined;
export declare function verifyInclusion(input: InclusionInput & { rootHash: HashInput }): boolean;
/** Number of hashes in the inclusion proof of leaf `index` in a tree of `size` (RangeError when index >= size). */
export declare function inclusionProofLength(index: number, size: number): number;
/** RFC 9162 §2.1.4.2. */
export declare function verifyConsistency(input: {
  size1: number;
  size2: number;
  root1: HashInput;
  root2: HashInput;
  proof: readonly HashInput[];
}): boolean;

export interface TreeHead {
  size: number;
  /** 64 lowercase hex digits. */
  rootHash: string;
  /** ISO-8601 UTC with milliseconds. */
  timestamp: string;
  /** base64 Ed25519 signature over treeHeadMessage(). */
  signature: string;
}

/** UTF-8 of `copyhound-tree-head-v1\n${size}\n${rootHash}\n${timestamp}\n`. Throws TypeError on malformed fields. */
export declare function treeHeadMessage(head: { size: number; rootHash: string | Uint8Array; timestamp: string }): Buffer;
/** Does the tree head's signature verify with this Ed25519 PEM (SPKI) public key? Never throws. */
export declare function verifyTreeHead(treeHead: unknown, publicKeyPem: string): boolean;
/** Hex SHA-256 of the key's DER SPKI bytes. Throws when the text is not an Ed25519 PEM public key. */
export declare function keyIdOf(publicKeyPem: string): string;

export interface WarcRecord {
  /** Position in the file, from 0. */
  index: number;
  /** Byte offset in the uncompressed stream. */
  offset: number;
  /** "WARC/1.0" or "WARC/1.1". */
  version: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  block: Buffer;
}

/** Records of a .warc.gz (concatenated gzip members) or .warc. Throws an Error naming the record when malformed or over the bounds. */
export declare function parseWarc(buffer: Uint8Array): WarcRecord[];
/** Recomputes block and payload digests (sha256/sha1, hex or base32); every problem names the record. Never throws. */
export declare function checkWarcDigests(buffer: Uint8Array): { records: number; digests: number; problems: string[] };

export interface PackageReader {
  /** Every file in the package, as "/"-separated relative paths. */
  list(): string[];
  /** The file's bytes, or undefined when it does not exist. */
  read(path: string): Uint8Array | undefined;
}

export interface VerifyOptions {
  /** A key the user trusts, obtained out of band; the package's key must equal it. */
  publicKeyPem?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** What was verified, in human terms. */
  checked: string[];
  /** Every difference found, naming the file, entry or record and expected vs found. */
  problems: string[];
  /** What was not checked and why (no trusted key given, timestamp token present). */
  notes: string[];
}

/** Verifies a package; never throws (a corrupt manifest is a problem, not an exception). */
export declare function verifyPackage(reader: PackageReader, options?: VerifyOptions): VerifyResult;
/** A reader over an unzipped package folder: no symlinks, nothing outside the folder. */
export declare function openFolderReader(folder: string): PackageReader;
/** The report `node verify.mjs` prints (terminal-safe). */
export declare function formatResult(result: VerifyResult, folder: string): string;
/** The command line: returns 0 when ok, 1 on any problem, 2 on bad usage. */
export declare function runCli(
  args: string[],
  defaultFolder: string,
  out?: { write(text: string): unknown },
  err?: { write(text: string): unknown },
): number;
