// The CommonJS declarations (.d.cts) as a require() consumer sees them: every public subpath.
import switchyard = require('switchyard');
import config = require('switchyard/config');
import express = require('switchyard/express');
import fastify = require('switchyard/fastify');
import fetchAdapter = require('switchyard/fetch');
import hono = require('switchyard/hono');
import http = require('switchyard/http');
import node = require('switchyard/node');
import postgres = require('switchyard/stores/postgres');
import redis = require('switchyard/stores/redis');
import testing = require('switchyard/testing');
import translate = require('switchyard/translate');

const manager = new switchyard.Manager({
  executors: [switchyard.mockExecutor()],
  credentials: [{ id: 'mock-a', provider: 'mock', apiKey: process.env.MOCK_KEY }],
});
const handler = http.createHandler(manager, { apiKeys: ['sk-gateway'] });

export = {
  listener: node.createNodeListener(handler),
  middleware: express.createExpressMiddleware(handler),
  plugin: fastify.createFastifyPlugin(handler),
  app: hono.createHonoApp(handler),
  fetchHandler: fetchAdapter.createFetchHandler(handler),
  codec: translate.codecFor('openai-chat'),
  entries: [config.fromConfig, postgres, redis, testing],
};
