// Size limits of the source: lines per file, lines per function, positional parameters per function.
// Measured with the TypeScript compiler's own parser, so a function is what the compiler says it is
// (declarations, methods, constructors, accessors, function expressions and arrows, nested ones included
// in their parent's count). Run it by hand to see the longest of each:
//   node --import tsx test/measure/limits.ts [folder ...]
// test/structure/limits.test.ts keeps the limits.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const LIMITS = { fileLines: 400, functionLines: 120, positionalParameters: 6 } as const;

export interface FunctionSize {
  file: string;
  name: string;
  /** First line, 1-based. */
  line: number;
  lines: number;
  parameters: number;
}

export interface FileSize {
  file: string;
  lines: number;
  functions: FunctionSize[];
}

function lineCount(text: string): number {
  if (text.length === 0) return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

function nameOf(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) {
    const owner = node.parent;
    return `${ts.isClassLike(owner) && owner.name ? owner.name.text : '(class)'}.constructor`;
  }
  if (node.name) {
    const own = node.name.getText(source);
    const owner = node.parent;
    if (ts.isClassLike(owner) && owner.name) return `${owner.name.text}.${own}`;
    return own;
  }
  // An anonymous function takes the name it is bound to, when it is bound to one.
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText(source);
  }
  if (ts.isCallExpression(parent)) {
    return `(callback of ${parent.expression.getText(source).slice(0, 60)})`;
  }
  return '(anonymous)';
}

/** Every function of one source text, with its length in lines and its positional parameters. */
export function measureSource(file: string, text: string): FileSize {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const functions: FunctionSize[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const fn = node as ts.SignatureDeclaration;
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      // `this` declares the receiver's type, not a value the caller passes.
      const parameters = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === 'this')).length;
      functions.push({ file, name: nameOf(fn, source), line: start + 1, lines: end - start + 1, parameters });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file, lines: lineCount(text), functions };
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every .ts file below the given folders (paths relative to root). */
export function measureTree(root: string, folders: readonly string[]): FileSize[] {
  return folders
    .flatMap((folder) => tsFiles(join(root, folder)))
    .sort()
    .map((path) => measureSource(relative(root, path), readFileSync(path, 'utf8')));
}

export interface Breach {
  what: 'file lines' | 'function lines' | 'positional parameters';
  where: string;
  value: number;
  limit: number;
}

/** What exceeds LIMITS, one line of text each: the place, the figure and the limit. */
export function breaches(files: readonly FileSize[], limits = LIMITS): Breach[] {
  const out: Breach[] = [];
  for (const f of files) {
    if (f.lines > limits.fileLines) out.push({ what: 'file lines', where: f.file, value: f.lines, limit: limits.fileLines });
    for (const fn of f.functions) {
      const where = `${fn.file}:${fn.line} ${fn.name}`;
      if (fn.lines > limits.functionLines) {
        out.push({ what: 'function lines', where, value: fn.lines, limit: limits.functionLines });
      }
      if (fn.parameters > limits.positionalParameters) {
        out.push({ what: 'positional parameters', where, value: fn.parameters, limit: limits.positionalParameters });
      }
    }
  }
  return out;
}

export function formatBreach(b: Breach): string {
  return `${b.where}: ${b.value} ${b.what} (limit ${b.limit})`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const folders = process.argv.slice(2);
  const files = measureTree(root, folders.length > 0 ? folders : ['harness', 'services']);
  const all = breaches(files);
  for (const b of all) console.log(formatBreach(b));
  const fns = files.flatMap((f) => f.functions);
  const longest = [...fns].sort((a, b) => b.lines - a.lines).slice(0, 5);
  console.log(`\n${files.length} files, ${fns.length} functions; ${all.length} over the limits`);
  console.log('longest functions:');
  for (const fn of longest) console.log(`  ${fn.lines} lines  ${fn.file}:${fn.line} ${fn.name}`);
  process.exitCode = all.length > 0 ? 1 : 0;
}
