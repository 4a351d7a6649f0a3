import { describe, expect, it } from 'vitest';
import { checkNode } from '../../infra/local/stack.ts';
import { StartupError } from '../../infra/local/errors.ts';

describe('the local runtime says in one line what it needs', () => {
  it('refuses Node.js older than 22, naming the version found', () => {
    expect(() => checkNode('20.20.2')).toThrow(new StartupError('Node.js 22 or newer is needed to run the platform; this is Node.js 20.20.2'));
    expect(() => checkNode('22.0.0')).not.toThrow();
    expect(() => checkNode('24.1.0')).not.toThrow();
  });
});
