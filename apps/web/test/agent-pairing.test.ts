import { expect, test } from 'vitest';
import {
  addressSpace,
  normaliseAgentUrl,
  pairingFromFragment,
  parseAgentEvent,
} from '../lib/agent-client';

test('reads the pairing link the agent prints', () => {
  expect(pairingFromFragment('#agent=http%3A%2F%2F127.0.0.1%3A6880&token=abc123')).toEqual({
    agentUrl: 'http://127.0.0.1:6880',
    token: 'abc123',
  });
});

test('without an agent address the default one is used; without a token there is no pairing', () => {
  expect(pairingFromFragment('#token=t')).toEqual({
    agentUrl: 'http://127.0.0.1:6880',
    token: 't',
  });
  expect(pairingFromFragment('#agent=http%3A%2F%2F127.0.0.1%3A6880')).toBeNull();
  expect(pairingFromFragment('')).toBeNull();
});

test('only an http(s) origin is kept from the link', () => {
  expect(normaliseAgentUrl('http://127.0.0.1:7000/some/path?x=1')).toBe('http://127.0.0.1:7000');
  expect(normaliseAgentUrl('javascript:alert(1)')).toBeNull();
  expect(normaliseAgentUrl('file:///etc/passwd')).toBeNull();
  expect(pairingFromFragment('#agent=javascript%3Aalert(1)&token=t')).toBeNull();
});

test('agent events are recognised by type; malformed ones are dropped', () => {
  expect(parseAgentEvent('removed', '{"infoHash":"ab"}')).toEqual({
    type: 'removed',
    infoHash: 'ab',
  });
  expect(parseAgentEvent('transfer', '{"infoHash":"ab","progress":1}')).toMatchObject({
    type: 'transfer',
  });
  expect(parseAgentEvent('transfer', 'not json')).toBeNull();
  expect(parseAgentEvent('transfer', '{"progress":1}')).toBeNull();
  expect(parseAgentEvent('other', '{"infoHash":"ab"}')).toBeNull();
});

test('the address space declared for Local Network Access matches the agent host', () => {
  expect(addressSpace('http://127.0.0.1:6880')).toBe('loopback');
  expect(addressSpace('http://localhost:6880')).toBe('loopback');
  expect(addressSpace('http://[::1]:6880')).toBe('loopback');
  expect(addressSpace('http://192.168.1.20:6880')).toBe('local');
  expect(addressSpace('http://172.20.0.5:6880')).toBe('local');
  expect(addressSpace('http://[fd00::1]:6880')).toBe('local');
  expect(addressSpace('http://172.32.0.5:6880')).toBeUndefined();
  expect(addressSpace('https://agent.example.org')).toBeUndefined();
});
