import { createHash } from 'node:crypto';
import { AwsV4Signer } from 'aws4fetch';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bedrockModelPath } from './bedrock-paths.js';
import { canonicalUri, signSigV4 } from './sign-sigv4.js';

const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const date = new Date('2025-03-04T05:06:07.890Z');

/** aws4fetch's signature for the same request: the oracle. */
async function oracle(
  url: string,
  headers: Record<string, string>,
  body: string,
  sessionToken?: string,
): Promise<string> {
  const signer = new AwsV4Signer({
    method: 'POST',
    url,
    // Given the payload hash header, aws4fetch signs it and uses it, as we do.
    headers: { ...headers, 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') },
    body,
    ...keys,
    ...(sessionToken ? { sessionToken } : {}),
    service: 'bedrock',
    region: 'us-west-2',
    datetime: '20250304T050607Z',
    allHeaders: true,
  });
  const signed = await signer.sign();
  return signed.headers.get('authorization')!;
}

function ours(url: string, headers: Record<string, string>, body: string, sessionToken?: string) {
  return signSigV4({
    method: 'POST',
    url,
    headers,
    body,
    service: 'bedrock',
    region: 'us-west-2',
    keys: sessionToken ? { ...keys, sessionToken } : keys,
    date,
  });
}

describe('signSigV4', () => {
  const host = 'https://bedrock-runtime.us-west-2.amazonaws.com';

  it('signs an inference profile id (with its colon) exactly as aws4fetch does', async () => {
    const url = `${host}${bedrockModelPath('us.anthropic.claude-sonnet-4-20250514-v1:0')}/invoke`;
    expect(url).toContain('/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke');
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    const body = '{"anthropic_version":"bedrock-2023-05-31","max_tokens":10,"messages":[]}';
    const got = ours(url, headers, body);
    expect(got.authorization).toBe(await oracle(url, headers, body));
    expect(got.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250304\/us-west-2\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(got['x-amz-date']).toBe('20250304T050607Z');
  });

  it('signs an ARN model id (colons and slashes) and a session token exactly as aws4fetch does', async () => {
    const arn = 'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0';
    const url = `${host}${bedrockModelPath(arn)}/converse-stream`;
    expect(url).toContain(
      '/model/arn%3Aaws%3Abedrock%3Aus-west-2%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-5-haiku-20241022-v1%3A0/',
    );
    const headers = { 'content-type': 'application/json' };
    const body = '{"messages":[{"role":"user","content":[{"text":"hi"}]}]}';
    const got = ours(url, headers, body, 'FwoGZXIvYXdzEXAMPLE//token==');
    expect(got['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLE//token==');
    expect(got.authorization).toBe(await oracle(url, headers, body, 'FwoGZXIvYXdzEXAMPLE//token=='));
  });

  it('double-encodes path segments in the canonical URI (non-S3 services)', () => {
    expect(canonicalUri('/model/arn%3Aaws%3Abedrock%2Fx/invoke')).toBe('/model/arn%253Aaws%253Abedrock%252Fx/invoke');
    expect(canonicalUri('//model//a')).toBe('/model/a');
  });

  it('agrees with aws4fetch on arbitrary model ids, headers and bodies', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.dictionary(fc.stringMatching(/^x-[a-z]{1,8}$/), fc.stringMatching(/^[ -~]{0,20}$/), { maxKeys: 3 }),
        fc.string({ maxLength: 200 }),
        async (model, extra, body) => {
          const url = `${host}${bedrockModelPath(model)}/converse`;
          const headers = { 'content-type': 'application/json', ...extra };
          expect(ours(url, headers, body).authorization).toBe(await oracle(url, headers, body));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('changes the signature when the body changes', () => {
    const url = `${host}/model/m/converse`;
    expect(ours(url, {}, '{"a":1}').authorization).not.toBe(ours(url, {}, '{"a":2}').authorization);
  });
});
