import { describe, expect, test } from 'vitest';
import { channelOf, checkChannel } from '../../src/doctor/channel.js';
import { effectiveEnv, parseSettings } from '../../src/doctor/settings.js';

const shell = (vars: NodeJS.ProcessEnv) => effectiveEnv(vars, []);

describe('channelOf', () => {
  test('no variables, or a base URL that is the Anthropic API itself, is the direct channel', () => {
    expect(channelOf(shell({}))).toEqual({ kind: 'anthropic' });
    expect(channelOf(shell({ ANTHROPIC_BASE_URL: 'https://api.anthropic.com' }))).toEqual({ kind: 'anthropic' });
    expect(channelOf(shell({ CLAUDE_CODE_USE_BEDROCK: '0' }))).toEqual({ kind: 'anthropic' });
  });

  test('Bedrock and Vertex win over a base URL; any other base URL is a gateway', () => {
    expect(channelOf(shell({ CLAUDE_CODE_USE_BEDROCK: '1', ANTHROPIC_BASE_URL: 'http://localhost:4000' }))).toEqual({ kind: 'bedrock', from: 'environment' });
    expect(channelOf(shell({ CLAUDE_CODE_USE_VERTEX: 'true' }))).toEqual({ kind: 'vertex', from: 'environment' });
    expect(channelOf(shell({ ANTHROPIC_BASE_URL: 'http://localhost:4000' }))).toEqual({ kind: 'gateway', url: 'http://localhost:4000', from: 'environment' });
  });
});

describe('checkChannel', () => {
  test('direct API: ok', () => {
    expect(checkChannel(shell({}))).toEqual({ id: 'channel', status: 'ok', message: 'requests go to the Anthropic API' });
  });

  test('a gateway without CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 is a warning with the setting to add', () => {
    expect(checkChannel(shell({ ANTHROPIC_BASE_URL: 'https://llm.corp.example/v1', CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: '0' }))).toEqual({
      id: 'channel',
      status: 'warning',
      message:
        'requests go to a gateway or proxy at https://llm.corp.example/v1 (ANTHROPIC_BASE_URL, from environment) without CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1: experimental anthropic-beta headers are a known cause of 400 errors there',
      action: 'add "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": "1" to "env" in settings.json (or export it in your shell)',
    });
  });

  test('Bedrock with the flag set in settings.json env is ok and says where both came from', () => {
    const settings = [parseSettings('user', '/home/me/.claude/settings.json', '{"env": {"CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": "1"}}')];
    expect(checkChannel(effectiveEnv({ CLAUDE_CODE_USE_BEDROCK: '1' }, settings))).toEqual({
      id: 'channel',
      status: 'ok',
      message:
        'requests go to Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK, from environment); CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 (from /home/me/.claude/settings.json)',
    });
  });

  test('Vertex set only in settings.json, without the flag, is a warning', () => {
    const settings = [parseSettings('project', '/p/.claude/settings.json', '{"env": {"CLAUDE_CODE_USE_VERTEX": "1"}}')];
    const c = checkChannel(effectiveEnv({}, settings));
    expect(c.status).toBe('warning');
    expect(c.message).toBe(
      'requests go to Google Vertex AI (CLAUDE_CODE_USE_VERTEX, from /p/.claude/settings.json) without CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1: experimental anthropic-beta headers are a known cause of 400 errors there',
    );
  });
});
