// Every Apex class of the org package is parsed with a real Apex grammar (@apexdevtools/apex-parser,
// pinned in org/package.json): no org is reachable from our tests, so a syntax error must fail
// here, not at the admin's deploy. Also checks what the security of the credentials service rests
// on: the methods the phone can call through runApex take no parameter naming a user.
// Run: node --test org/apex.test.mjs (after `npm ci` in org/)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApexErrorListener, ApexParserBaseListener, ApexParserFactory, ApexParseTreeWalker } from '@apexdevtools/apex-parser';

const CLASSES = join(dirname(fileURLToPath(import.meta.url)), 'force-app', 'main', 'default', 'classes');

class Collect extends ApexErrorListener {
  errors = [];
  apexSyntaxError(line, column, message) {
    this.errors.push(`${line}:${column} ${message.slice(0, 200)}`);
  }
}

/** The parse tree of `source` and every syntax error the lexer and parser reported. */
function parse(source) {
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  return { tree: parser.compilationUnit(), errors: listener.errors };
}

/** Name, modifiers and parameter count of every method in a parse tree. */
function methods(tree) {
  const found = [];
  class Methods extends ApexParserBaseListener {
    enterMethodDeclaration(ctx) {
      // methodDeclaration < memberDeclaration < classBodyDeclaration, which holds the modifiers.
      const declaration = ctx.parentCtx?.parentCtx;
      const modifiers = (declaration?.modifier_list?.() ?? []).map((m) => m.getText().toLowerCase());
      const parameters = ctx.formalParameters().formalParameterList()?.formalParameter_list() ?? [];
      found.push({ name: ctx.id().getText(), modifiers, parameters: parameters.length });
    }
  }
  ApexParseTreeWalker.DEFAULT.walk(new Methods(), tree);
  return found;
}

const classFiles = readdirSync(CLASSES).filter((f) => f.endsWith('.cls'));

test('every Apex class of the package parses without a syntax error', () => {
  assert.ok(classFiles.length >= 4, classFiles.join(' '));
  for (const file of classFiles) {
    const { errors } = parse(readFileSync(join(CLASSES, file), 'utf8'));
    assert.deepEqual(errors, [], file);
  }
});

test('a syntax error is caught (the check can fail)', () => {
  assert.notDeepEqual(parse('global class Broken { webService static String mint( { }').errors, []);
  assert.notDeepEqual(parse('global class Broken { static String s = \'unterminated; }').errors, []);
});

test('the credentials service mints only for the running user: its runApex methods take no parameter', () => {
  const { tree } = parse(readFileSync(join(CLASSES, 'SoftphoneCredentials.cls'), 'utf8'));
  const exposed = methods(tree).filter((m) => m.modifiers.includes('webservice'));
  assert.deepEqual(exposed, [{ name: 'mint', modifiers: ['webservice', 'static'], parameters: 0 }]);
  // Every other method stays out of runApex's reach (global or webService would expose it).
  for (const m of methods(tree).filter((m) => m.name !== 'mint')) {
    assert.ok(!m.modifiers.includes('global') && !m.modifiers.includes('webservice'), `${m.name}: ${m.modifiers.join(' ')}`);
  }
});

test('the call-log class exposes what the phone calls through runApex, and nothing else', () => {
  const { tree } = parse(readFileSync(join(CLASSES, 'SoftphoneCallLog.cls'), 'utf8'));
  const exposed = methods(tree).filter((m) => m.modifiers.includes('webservice')).sort((a, b) => a.name.localeCompare(b.name));
  assert.deepEqual(exposed, [
    { name: 'findTaskByCallObject', modifiers: ['webservice', 'static'], parameters: 1 },
    { name: 'userTimeZone', modifiers: ['webservice', 'static'], parameters: 0 },
  ]);
});
