import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { countCustodyEntries, findCustodyEntry, findLatestTreeHead, listTreeHeads, type TreeHeadRow } from '../../../db/custody-log.ts';
import { checkConsistency, custodyPublicKey, proveInclusion, signNewTreeHead } from '../../custody-log.ts';
import { verifyCustodyLog, type LogVerification } from '../../custody-verify.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
// Progress is written every this many entries on a terminal (a log may hold millions).
const PROGRESS_EVERY = 50_000;

function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('must be a whole number');
  return Number(value);
}

function describeHead(head: TreeHeadRow): string[] {
  return [
    `tree head #${head.id}: ${head.size} entries, signed ${head.timestamp} (${head.reason})`,
    `  root      ${head.rootHash}`,
    `  key       ${head.keyId}`,
    `  signature ${head.signature}`,
    `  time-stamp token: ${head.timestampToken ? `${Buffer.from(head.timestampToken, 'base64').length} bytes (RFC 3161)` : 'none'}`,
  ];
}

function describeVerification(r: LogVerification): string[] {
  const lines = [
    `custody log: ${r.entries} entries, ${r.tiles} tiles, ${r.treeHeads} signed tree heads`,
    `  checked: every leaf hash; ${r.recordsChecked} records and ${r.filesChecked} files against their entries; tiles; every tree head's root, signature and consistency with the one before`,
  ];
  if (r.problemCount === 0) return [...lines, 'OK: the log verifies'];
  lines.push(`FAILED: ${r.problemCount} problem(s)${r.firstBadEntry !== null ? `; the first entry that does not match is entry ${r.firstBadEntry}` : ''}`);
  for (const p of r.problems) lines.push(`  - ${p}`);
  if (r.problemCount > r.problems.length) lines.push(`  … and ${r.problemCount - r.problems.length} more`);
  return lines;
}

export function createLogCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  const command = new Command('log').description(COMMAND_DESCRIPTIONS.log);

  command
    .command('verify')
    .description('Recompute the log from its stored entries; name the first entry that does not match')
    .option('--json', 'the result as one JSON object')
    .action(async (options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const tty = io.stderr.isTTY === true && !options.json;
        const result = await verifyCustodyLog(app.database.db, app.captureFiles, (done) => {
          if (tty && done % PROGRESS_EVERY === 0) io.stderr.write(`\rverified ${done} entries…`);
        });
        if (tty) io.stderr.write('\r\x1b[K');
        if (options.json) writeLine(io.stdout, JSON.stringify({ ok: result.problemCount === 0, ...result }));
        else for (const line of describeVerification(result)) writeLine(io.stdout, line);
        if (result.problemCount > 0) setExit(EXIT_FAILURE);
      });
    });

  command
    .command('head')
    .description('Print the latest signed tree head (--sign: sign a new one over the log as it stands)')
    .option('--sign', 'sign a new tree head now')
    .option('--json', 'the head as one JSON object')
    .action(async (options: { sign?: boolean; json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const deps = { db: app.database.db, config: app.config.evidence, logger: app.logger };
        const head = options.sign ? await signNewTreeHead(deps, 'command') : await findLatestTreeHead(app.database.db);
        if (!head) throw new NotFoundError(`No signed tree head yet (the log holds ${await countCustodyEntries(app.database.db)} entries); run \`copyhound log head --sign\``);
        if (options.json) writeLine(io.stdout, JSON.stringify(head));
        else for (const line of describeHead(head)) writeLine(io.stdout, line);
      });
    });

  command
    .command('public-key')
    .description("The installation's Ed25519 public key (PEM): publish it so anyone can check tree heads and evidence packages")
    .option('--json', 'print {"keyId","publicKeyPem"} on one line')
    .action(async (options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const { publicKeyPem, keyId } = await custodyPublicKey(app.database.db);
        if (options.json) return writeLine(io.stdout, JSON.stringify({ keyId, publicKeyPem }));
        io.stdout.write(publicKeyPem);
        writeLine(io.stderr, `key id (SHA-256 of the key): ${keyId}`);
      });
    });

  command
    .command('prove')
    .description('Inclusion proof of an entry under the latest signed tree head')
    .argument('<entry>', 'entry index (0-based)', parseCount)
    .action(async (entry: number) => {
      await withExistingApp(io, globals(), async (app) => {
        const db = app.database.db;
        const head = await findLatestTreeHead(db);
        const row = await findCustodyEntry(db, entry);
        if (!row) throw new NotFoundError(`No custody log entry ${entry}`);
        if (!head || head.size <= entry) throw new NotFoundError(`Entry ${entry} is not under a signed tree head yet; run \`copyhound log head --sign\``);
        writeLine(io.stdout, JSON.stringify({ index: entry, leaf: row.leaf, leafHash: row.leafHash, treeHead: head, proof: await proveInclusion(db, entry, head.size) }));
      });
    });

  command
    .command('consistency')
    .description('Consistency proof between two signed tree heads, checked against both signed roots')
    .argument('<older>', 'tree head number', parseCount)
    .argument('<newer>', 'tree head number', parseCount)
    .action(async (older: number, newer: number, _options: unknown, cmd: Command) => {
      if (older > newer) cmd.error(`error: <older> (${older}) must not come after <newer> (${newer})`, { exitCode: EXIT_USAGE, code: 'copyhound.usage' });
      await withExistingApp(io, globals(), async (app) => {
        const heads = new Map((await listTreeHeads(app.database.db)).map((h) => [h.id, h]));
        const [a, b] = [heads.get(older), heads.get(newer)];
        if (!a || !b) throw new NotFoundError(`No tree head #${!a ? older : newer}`);
        if (a.size > b.size) throw new ValidationError(`tree head #${older} (size ${a.size}) is larger than #${newer} (size ${b.size})`);
        const { proof, consistent } = await checkConsistency(app.database.db, a, b);
        writeLine(io.stdout, JSON.stringify({ older: { id: a.id, size: a.size, rootHash: a.rootHash }, newer: { id: b.id, size: b.size, rootHash: b.rootHash }, proof, consistent }));
        if (!consistent) {
          writeLine(io.stderr, `tree head #${newer} does not extend #${older}: the log's history before entry ${a.size} was rewritten`);
          setExit(EXIT_FAILURE);
        }
      });
    });

  return command;
}
