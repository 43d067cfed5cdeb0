import { describe, expect, it } from 'vitest';
import { commitObject, commitTreeOnly, identAt, parseGitVars } from '../../src/core/commit-object.js';

const VARS = [
  'user.name=A B',
  'core.bare=false',
  'alias.x=!f() { a=b; }',
  'GIT_COMMITTER_IDENT=A B <a@b> 1700000000 +0100',
  'GIT_AUTHOR_IDENT=A B <a@b> 1700000000 +0100',
  'GIT_EDITOR=vi',
].join('\n');

describe('commit objects written in-process', () => {
  it('reads the identities and the config from git var -l', () => {
    const vars = parseGitVars(VARS);
    expect(vars.author).toBe('A B <a@b> 1700000000 +0100');
    expect(vars.committer).toBe('A B <a@b> 1700000000 +0100');
    expect(vars.config.get('alias.x')).toBe('!f() { a=b; }');
    expect(vars.config.has('GIT_EDITOR')).toBe(false);
    expect(commitTreeOnly(vars)).toBeNull();
  });

  it('leaves the commit to git when it would sign it, re-encode it, use sha256 or shared permissions', () => {
    for (const [line, why] of [
      ['commit.gpgsign=true', 'commit.gpgSign'],
      ['i18n.commitencoding=ISO-8859-1', 'i18n.commitEncoding'],
      ['extensions.objectformat=sha256', 'extensions.objectFormat'],
      ['core.sharedrepository=group', 'core.sharedRepository'],
    ])
      expect(commitTreeOnly(parseGitVars(`${VARS}\n${line}`))).toBe(why);
    expect(
      commitTreeOnly(parseGitVars(`${VARS}\ncommit.gpgsign=false\ni18n.commitencoding=UTF-8`)),
    ).toBeNull();
    expect(commitTreeOnly(parseGitVars('user.name=x'))).toBe('no identity');
  });

  it('stamps the time of writing, unless a date was fixed in the environment', () => {
    expect(identAt('A B <a@b> 1700000000 +0100', 1800000000.7, false)).toBe('A B <a@b> 1800000000 +0100');
    expect(identAt('A B <a@b> 1700000000 +0100', 1800000000, true)).toBe('A B <a@b> 1700000000 +0100');
  });

  it('lays out tree, parents, author, committer, a blank line and the message as given', () => {
    expect(commitObject('t', ['p1', 'p2'], 'A <a> 1 +0000', 'C <c> 2 +0000', 'msg\n')).toBe(
      'tree t\nparent p1\nparent p2\nauthor A <a> 1 +0000\ncommitter C <c> 2 +0000\n\nmsg\n',
    );
  });
});
