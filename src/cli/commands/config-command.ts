import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { listSettings } from '../../../config/index.ts';
import { buildConfig, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine } from '../terminal-text.ts';

export function createConfigCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('config')
    .description(COMMAND_DESCRIPTIONS.config)
    .option('--markdown', 'as a Markdown table (for the README)')
    .option('--json', 'one JSON object per setting: name, env, value, default, description (values as this command would use them)')
    .action((options: { markdown?: boolean; json?: boolean }) => {
      const config = buildConfig(io, globals()) as unknown as Record<string, Record<string, unknown>>;
      if (options.json) {
        for (const s of listSettings()) {
          const [section, key] = s.name.split('.');
          writeLine(io.stdout, jsonLine({ name: s.name, env: s.env, value: config[section][key], default: s.default, description: s.description }));
        }
        return;
      }
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
