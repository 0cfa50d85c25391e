/**
 * How long the project's units are, read with the TypeScript compiler: the lines of each source
 * file and of each function in it (declarations, methods, constructors, accessors, arrow
 * functions and function expressions), and whether a unit carries the written reason that lets
 * it be long. Used by the size-limits test; the limits themselves are there.
 */
import ts from 'typescript';

/**
 * The marker of a reason: a comment starting `Long because:` followed by the reason, placed at
 * the unit's top (for a function: in the comments just above it, or as the first comment inside
 * its body; for a file: in the comments before its first statement).
 */
export const REASON_MARKER = 'Long because:';
const REASON = /^\s*(?:\/\/|\/\*+|\*)\s*Long because:\s*\S/m;

/** One function of a file, with its length. */
export interface FunctionSize {
  /** The file, relative to the root. */
  readonly file: string;
  /** A name to find it by: `name`, `Class.method`, `constructor`, or `(arrow)` with its line. */
  readonly name: string;
  /** Its first line (1-based). */
  readonly line: number;
  /** Its lines, from its signature to its closing brace. */
  readonly lines: number;
  /** Whether a `Long because:` comment is at its top. */
  readonly hasReason: boolean;
}

/** The size of one source file. */
export interface FileSize {
  readonly file: string;
  readonly lines: number;
  /** Whether a `Long because:` comment is among the comments before its first statement. */
  readonly hasReason: boolean;
  readonly functions: readonly FunctionSize[];
}

/** The number of lines of a text, as `wc -l` counts a file ending in a newline. */
export function lineCount(text: string): number {
  if (text.length === 0) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The text of the comments in `text` at `pos` (the trivia before a token). */
function commentsAt(text: string, pos: number): string {
  return (ts.getLeadingCommentRanges(text, pos) ?? [])
    .map((c) => text.slice(c.pos, c.end))
    .join('\n');
}

/**
 * The node whose leading comments are the function's "top": the statement, member or property
 * that holds it (`export const f = () => …` has its comment on the variable statement).
 */
function anchorOf(node: ts.Node): ts.Node {
  let anchor: ts.Node = node;
  while (
    anchor.parent &&
    (ts.isVariableDeclaration(anchor.parent) ||
      ts.isVariableDeclarationList(anchor.parent) ||
      ts.isVariableStatement(anchor.parent) ||
      ts.isPropertyAssignment(anchor.parent) ||
      ts.isPropertyDeclaration(anchor.parent) ||
      ts.isExportAssignment(anchor.parent) ||
      ts.isParenthesizedExpression(anchor.parent))
  ) {
    anchor = anchor.parent;
  }
  return anchor;
}

function nameOf(node: ts.FunctionLikeDeclaration, sf: ts.SourceFile): string {
  const own = node.name && ts.isIdentifier(node.name) ? node.name.text : undefined;
  const parent = node.parent;
  const holder =
    parent && (ts.isClassDeclaration(parent) || ts.isClassExpression(parent)) && parent.name
      ? `${parent.name.text}.`
      : '';
  if (ts.isConstructorDeclaration(node)) return `${holder}constructor`;
  if (own) return `${holder}${own}`;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `(${ts.isArrowFunction(node) ? 'arrow' : 'function'} at line ${line + 1})`;
}

function isFunctionUnit(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node)
  );
}

/** Whether a `Long because:` comment is just above the function or first inside its body. */
function functionHasReason(node: ts.FunctionLikeDeclaration, text: string): boolean {
  const above = commentsAt(text, anchorOf(node).getFullStart());
  const body = node.body && ts.isBlock(node.body) ? node.body : undefined;
  const first = body ? commentsAt(text, body.getStart() + 1) : '';
  return REASON.test(above) || REASON.test(first);
}

/** The sizes of one file, given its text (`file` is relative to the root, for messages). */
export function measure(file: string, text: string): FileSize {
  const kind = file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const functions: FunctionSize[] = [];
  const visit = (node: ts.Node) => {
    if (isFunctionUnit(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      functions.push({
        file,
        name: nameOf(node, sf),
        line: start + 1,
        lines: end - start + 1,
        hasReason: functionHasReason(node, text),
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const firstStatement = sf.statements[0];
  const header = text.slice(0, firstStatement ? firstStatement.getStart(sf) : text.length);
  return { file, lines: lineCount(text), hasReason: REASON.test(header), functions };
}
