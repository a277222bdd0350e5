import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SETTINGS, clampSettings } from '../../src/core/settings';

describe('settings', () => {
  it('uses the defaults for an empty configuration', () => {
    assert.deepEqual(clampSettings({}), {
      baseUrl: 'https://www.dmxapi.cn',
      model: 'flux-kontext-pro',
      size: '1x1',
      seed: -1,
      outputFolder: 'assets',
      timeoutMs: 120_000,
      provider: 'dmxapi',
      bflBaseUrl: 'https://api.bfl.ai',
      embedRecipe: true,
      maxParallelRequests: 4,
      megapixels: 1,
      outputFormat: 'png',
      promptUpsampling: false,
      prices: {},
      monthlyBudget: 0,
      style: '',
    });
  });
  it('clamps megapixels into 0.25–4 and takes only png or jpeg', () => {
    assert.equal(clampSettings({ megapixels: 9 }).megapixels, 4);
    assert.equal(clampSettings({ megapixels: 0.01 }).megapixels, 0.25);
    assert.equal(clampSettings({ megapixels: '2' }).megapixels, 1);
    assert.equal(clampSettings({ outputFormat: 'webp' }).outputFormat, 'png');
    assert.equal(clampSettings({ promptUpsampling: 'yes' }).promptUpsampling, false);
  });
  it('has the same defaults as package.json declares', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
    };
    const props = pkg.contributes.configuration.properties;
    const declared: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) declared[key.replace(/^flux\./, '')] = value.default;
    const fromDefaults = clampSettings(declared);
    for (const key of Object.keys(declared)) {
      if (key === 'requestTimeoutSeconds') assert.equal(fromDefaults.timeoutMs, Number(declared[key]) * 1000);
      else assert.deepEqual(fromDefaults[key as keyof typeof fromDefaults], declared[key], key);
    }
    assert.deepEqual(fromDefaults, DEFAULT_SETTINGS);
  });
  it('keeps valid values', () => {
    const s = clampSettings({
      baseUrl: 'https://gateway.example/v1',
      model: 'flux-kontext-max',
      size: '16x9',
      seed: 42,
      outputFolder: 'docs/images',
      requestTimeoutSeconds: 300,
      provider: 'bfl',
      bflBaseUrl: 'https://api.eu.bfl.ai',
      embedRecipe: false,
      maxParallelRequests: 8,
      megapixels: 2.5,
      outputFormat: 'jpeg',
      promptUpsampling: true,
      prices: { 'flux-2-pro': 0.05 },
      monthlyBudget: 20,
      style: ' ink ',
    });
    assert.deepEqual(s, {
      baseUrl: 'https://gateway.example/v1',
      model: 'flux-kontext-max',
      size: '16x9',
      seed: 42,
      outputFolder: 'docs/images',
      timeoutMs: 300_000,
      provider: 'bfl',
      bflBaseUrl: 'https://api.eu.bfl.ai',
      embedRecipe: false,
      maxParallelRequests: 8,
      megapixels: 2.5,
      outputFormat: 'jpeg',
      promptUpsampling: true,
      prices: { 'flux-2-pro': 0.05 },
      monthlyBudget: 20,
      style: 'ink',
    });
  });
  it('prices: an object as written (checked by core/prices), budget: a number of at least 0, else none', () => {
    assert.deepEqual(clampSettings({ prices: ['x'] }).prices, {});
    assert.deepEqual(clampSettings({ prices: 'cheap' }).prices, {});
    for (const bad of [-5, Number.NaN, '10', null]) assert.equal(clampSettings({ monthlyBudget: bad }).monthlyBudget, 0, String(bad));
    assert.equal(clampSettings({ monthlyBudget: 12.5 }).monthlyBudget, 12.5);
  });
  it('service addresses: strings kept (trimmed), anything else the default', () => {
    assert.equal(clampSettings({ baseUrl: '  http://localhost:8080 ' }).baseUrl, 'http://localhost:8080');
    assert.equal(clampSettings({ baseUrl: 'not a url' }).baseUrl, 'not a url'); // generationsUrl reports it
    assert.equal(clampSettings({ baseUrl: '' }).baseUrl, DEFAULT_SETTINGS.baseUrl);
    assert.equal(clampSettings({ baseUrl: 42 }).baseUrl, DEFAULT_SETTINGS.baseUrl);
    assert.equal(clampSettings({ bflBaseUrl: ['https://x'] }).bflBaseUrl, 'https://api.bfl.ai');
    assert.equal(clampSettings({ bflBaseUrl: ' ' }).bflBaseUrl, 'https://api.bfl.ai');
  });
  it('model: the schema pattern, else the default', () => {
    for (const ok of ['flux-kontext-dev', 'black-forest-labs/FLUX.1-Kontext-pro', 'a', 'vendor:model_v1.2', 'x'.repeat(100)]) {
      assert.equal(clampSettings({ model: ok }).model, ok);
    }
    for (const bad of ['', '-flux', '../../v1/admin', 'flux?x=1', 'flux#a', 'flux pro', 'x'.repeat(101), 'flux\nx', '漫画', 7, null]) {
      assert.equal(clampSettings({ model: bad }).model, 'flux-kontext-pro', String(bad));
    }
    assert.equal(clampSettings({ model: ' flux-kontext-max\n' }).model, 'flux-kontext-max');
  });
  it('size: any non-empty string (parsed later), else the default', () => {
    assert.equal(clampSettings({ size: '1024x768' }).size, '1024x768');
    assert.equal(clampSettings({ size: ' 3x2 ' }).size, '3x2');
    assert.equal(clampSettings({ size: '' }).size, '1x1');
    assert.equal(clampSettings({ size: 16 }).size, '1x1');
  });
  it('seed: an integer of -1 or more, else -1', () => {
    assert.equal(clampSettings({ seed: 0 }).seed, 0);
    assert.equal(clampSettings({ seed: -1 }).seed, -1);
    assert.equal(clampSettings({ seed: 4294967295 }).seed, 4294967295);
    for (const bad of [-2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60, '42', null, true]) {
      assert.equal(clampSettings({ seed: bad }).seed, -1, String(bad));
    }
  });
  it('output folder: any string as written (even empty), else the default', () => {
    assert.equal(clampSettings({ outputFolder: '' }).outputFolder, '');
    assert.equal(clampSettings({ outputFolder: '../x' }).outputFolder, '../x'); // refused later, with a message
    assert.equal(clampSettings({ outputFolder: 3 }).outputFolder, 'assets');
  });
  it('timeout: clamped to 10..900 seconds, non-numbers the default', () => {
    assert.equal(clampSettings({ requestTimeoutSeconds: 5 }).timeoutMs, 10_000);
    assert.equal(clampSettings({ requestTimeoutSeconds: -30 }).timeoutMs, 10_000);
    assert.equal(clampSettings({ requestTimeoutSeconds: 10 }).timeoutMs, 10_000);
    assert.equal(clampSettings({ requestTimeoutSeconds: 12.5 }).timeoutMs, 12_500);
    assert.equal(clampSettings({ requestTimeoutSeconds: 900 }).timeoutMs, 900_000);
    assert.equal(clampSettings({ requestTimeoutSeconds: 100000 }).timeoutMs, 900_000);
    for (const bad of ['60', null, Number.NaN, Number.POSITIVE_INFINITY, {}, undefined]) {
      assert.equal(clampSettings({ requestTimeoutSeconds: bad }).timeoutMs, 120_000, String(bad));
    }
  });
  it('provider: dmxapi or bfl, else dmxapi', () => {
    assert.equal(clampSettings({ provider: 'bfl' }).provider, 'bfl');
    assert.equal(clampSettings({ provider: 'dmxapi' }).provider, 'dmxapi');
    for (const bad of ['BFL', 'openai', '', 1, null]) assert.equal(clampSettings({ provider: bad }).provider, 'dmxapi', String(bad));
  });
  it('embedRecipe: a boolean, else true', () => {
    assert.equal(clampSettings({ embedRecipe: false }).embedRecipe, false);
    assert.equal(clampSettings({ embedRecipe: 'false' }).embedRecipe, true);
    assert.equal(clampSettings({ embedRecipe: 0 }).embedRecipe, true);
  });
  it('maxParallelRequests: an integer clamped to 1..8, non-numbers 4', () => {
    assert.equal(clampSettings({ maxParallelRequests: 1 }).maxParallelRequests, 1);
    assert.equal(clampSettings({ maxParallelRequests: 0 }).maxParallelRequests, 1);
    assert.equal(clampSettings({ maxParallelRequests: -5 }).maxParallelRequests, 1);
    assert.equal(clampSettings({ maxParallelRequests: 20 }).maxParallelRequests, 8);
    assert.equal(clampSettings({ maxParallelRequests: 2.6 }).maxParallelRequests, 3);
    for (const bad of ['8', null, Number.NaN, true]) {
      assert.equal(clampSettings({ maxParallelRequests: bad }).maxParallelRequests, 4, String(bad));
    }
  });
});
