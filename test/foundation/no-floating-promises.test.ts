import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Type-checking the whole tree takes a while on a busy machine.
const CHECK_TIMEOUT_MS = 180_000;

/**
 * Statements that call something returning a promise and drop it: neither awaited, returned,
 * voided nor given a rejection handler. The data layer is asynchronous (and on PostgreSQL truly
 * so): a dropped promise is a write that may not have happened yet, or a failure nobody sees.
 */
function findFloatingPromises(): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const checker = program.getTypeChecker();
  const found: string[] = [];
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes('/node_modules/') || !file.fileName.startsWith(ROOT)) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression)) {
        const call = node.expression;
        const handled = ts.isPropertyAccessExpression(call.expression) && ['then', 'catch', 'finally'].includes(call.expression.name.text);
        if (!handled && checker.getTypeAtLocation(call).getSymbol()?.getName() === 'Promise') {
          const { line } = file.getLineAndCharacterOfPosition(node.getStart());
          found.push(`${file.fileName.slice(ROOT.length)}:${line + 1}: ${node.getText().slice(0, 120)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

describe('promises', () => {
  it('none is left floating anywhere in the tree (await it, return it, or write `void` on purpose)', () => {
    expect(findFloatingPromises()).toEqual([]);
  }, CHECK_TIMEOUT_MS);
});
