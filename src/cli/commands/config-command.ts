import { Command } from 'commander';
import { listSettings } from '../../../config/index.ts';
import { buildConfig, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function createConfigCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('config')
    .description('Show every setting: its environment variable, default and current value')
    .option('--markdown', 'as a Markdown table (for the README)')
    .action((options: { markdown?: boolean }) => {
      const config = buildConfig(io, globals()) as unknown as Record<string, Record<string, unknown>>;
      if (options.markdown) {
        writeLine(io.stdout, '| Variable | Default | Meaning |\n|---|---|---|');
        for (const s of listSettings()) {
          writeLine(io.stdout, `| \`${s.env}\` | \`${JSON.stringify(s.default)}\` | ${s.description.replace(/\|/g, '\\|')} |`);
        }
        return;
      }
      for (const s of listSettings()) {
        const [section, key] = s.name.split('.');
        writeLine(io.stdout, `${s.env}=${JSON.stringify(config[section][key])}\t# ${s.description} (default ${JSON.stringify(s.default)})`);
      }
    });
}
