import { readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { unzipSync } from 'fflate';
import { iterateReports } from '../../../db/reports.ts';
import { custodyPublicKey } from '../../custody-log.ts';
import { CopyhoundError, ValidationError } from '../../errors.ts';
import { exportEvidencePackage, MAX_REPORTS_PER_PACKAGE } from '../../evidence-export.ts';
import { formatResult, verifyPackage } from '../../evidence-verify/verify-package.mjs';
import { cliFlagNaming, parseReportListQuery, resolveReportFilters } from '../../reports/report-query.ts';
import type { App } from '../../app.ts';
import { CLI_ACTOR, withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { addFilterOptions, asUsage, FILTER_FIELDS, idArgument, rawQuery } from './reports-command.ts';

/** `evidence export` and `evidence verify`: evidence packages for legal teams. */

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
// A package of 200 reports with their captures and renders stays far below this; a bigger file
// is not ours (and would be read into memory whole).
const MAX_PACKAGE_BYTES = 2 * 1024 ** 3;
const MAX_PACKAGE_ENTRIES = 100_000;

/** A reader over a zip's files (the verifier's interface), with the zip's size bounded. */
export function openZipReader(path: string): { list(): string[]; read(name: string): Buffer | undefined } {
  const size = statSync(path).size;
  if (size > MAX_PACKAGE_BYTES) throw new ValidationError(`${path} is ${size} bytes; an evidence package is at most ${MAX_PACKAGE_BYTES}`);
  let entries = 0;
  let unpacked = 0;
  const files = unzipSync(readFileSync(path), {
    filter(file) {
      entries++;
      unpacked += file.originalSize;
      if (entries > MAX_PACKAGE_ENTRIES || unpacked > MAX_PACKAGE_BYTES) throw new ValidationError(`${path} unpacks to more than ${MAX_PACKAGE_ENTRIES} files or ${MAX_PACKAGE_BYTES} bytes: not an evidence package`);
      return true;
    },
  });
  const names = Object.keys(files).filter((n) => !n.endsWith('/'));
  return { list: () => names, read: (name) => (files[name] ? Buffer.from(files[name]) : undefined) };
}

/** The ids given, plus those of the reports the list filters match (when any filter is given). */
async function collectIds(app: App, ids: number[], options: Record<string, unknown>, command: Command): Promise<number[]> {
  if (!FILTER_FIELDS.some((f) => typeof options[f] === 'string')) return ids;
  const q = await asUsage(command, () => parseReportListQuery(rawQuery(options, FILTER_FIELDS), cliFlagNaming));
  const filters = await asUsage(command, async () => await resolveReportFilters(app.database.db, q.filters, cliFlagNaming));
  const found = [...ids];
  for await (const r of iterateReports(app.database.db, filters, q.sort)) {
    found.push(r.id);
    if (found.length > MAX_REPORTS_PER_PACKAGE) break;
  }
  return found;
}

export function createEvidenceCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  const command = new Command('evidence').description(COMMAND_DESCRIPTIONS.evidence);

  const exp = command
    .command('export')
    .description(`Write one zip for the reports given (ids, and/or the reports a filter matches; at most ${MAX_REPORTS_PER_PACKAGE})`)
    .argument('[reports...]', 'report ids', (value: string, previous: number[] = []) => [...previous, idArgument(value)])
    .requiredOption('-o, --output <file>', 'the zip to write')
    .option('--json', 'a summary as one JSON object');
  addFilterOptions(exp).action(async (ids: number[] | undefined, options: Record<string, unknown> & { output: string; json?: boolean }) => {
    await withExistingApp(io, globals(), async (app) => {
      const reportIds = await collectIds(app, ids ?? [], options, exp);
      if (reportIds.length === 0) throw new ValidationError('No reports to export: give report ids or a filter that matches some');
      if (io.stderr.isTTY && !options.json) io.stderr.write(`rendering and packing ${reportIds.length} report(s)…\n`);
      const result = await exportEvidencePackage(app, reportIds, CLI_ACTOR);
      const out = resolve(options.output);
      // Written beside and renamed: a reader never sees half a package.
      writeFileSync(`${out}.partial`, result.zip);
      renameSync(`${out}.partial`, out);
      const summary = { path: out, bytes: result.zip.length, reports: result.manifest.reports, files: result.files, treeHead: { size: result.treeHead.size, rootHash: result.treeHead.rootHash, timestamp: result.treeHead.timestamp } };
      if (options.json) writeLine(io.stdout, JSON.stringify(summary));
      else {
        writeLine(io.stdout, `wrote ${out}: ${(summary.reports as number[]).length} report(s), ${summary.files} files, ${summary.bytes} bytes`);
        writeLine(io.stdout, `  signed tree head: ${summary.treeHead.size} entries, root ${summary.treeHead.rootHash}, ${summary.treeHead.timestamp}`);
        writeLine(io.stdout, `  check it: copyhound evidence verify ${out}   (or unzip it and run: node verify.mjs)`);
      }
    });
  });

  command
    .command('verify')
    .description('Check a package offline: every hash, WARC digest, inclusion proof and the tree head signature')
    .argument('<file>', 'the evidence package (.zip)')
    .option('--public-key <file>', "the publisher's public key (PEM), obtained separately")
    .option('--own-key', "compare the package's key with this installation's (`copyhound log public-key`)")
    .option('--json', 'the result as one JSON object')
    .action(async (file: string, options: { publicKey?: string; ownKey?: boolean; json?: boolean }, cmd: Command) => {
      if (options.publicKey && options.ownKey) cmd.error('error: give --public-key or --own-key, not both', { exitCode: EXIT_USAGE, code: 'copyhound.conflictingOptions' });
      let publicKeyPem: string | undefined;
      if (options.publicKey) publicKeyPem = readFileSync(options.publicKey, 'utf8');
      if (options.ownKey) publicKeyPem = await withExistingApp(io, globals(), async (app) => (await custodyPublicKey(app.database.db)).publicKeyPem);
      let reader;
      try {
        reader = openZipReader(file);
      } catch (error) {
        if (error instanceof CopyhoundError) throw error;
        throw new ValidationError(`${file} cannot be read as a zip: ${(error as Error).message}`);
      }
      const result = verifyPackage(reader, publicKeyPem ? { publicKeyPem } : {});
      if (options.json) writeLine(io.stdout, JSON.stringify(result));
      else io.stdout.write(formatResult(result, file));
      if (!result.ok) setExit(EXIT_FAILURE);
    });

  return command;
}
