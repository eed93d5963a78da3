import { LuaScript } from './lua-script.js';

/*
 * The scripts behind RedisStateStore. Cooldowns live in three structures:
 *   <p>cd:<model>   sorted set  credential id -> until (ms; +inf for "until the secret changes")
 *   <p>cdi:<model>  hash        credential id -> {"r":reason,"s":strikes,"u":until|null}
 *   <p>cdm          sorted set  model -> the latest until of that model (to list and clear by credential)
 * Each key expires at its latest until (plus a grace for the details, so strikes survive a short gap),
 * so an idle deployment leaves nothing behind. Scripts build some key names from the prefix, which is
 * fine on a single Redis or a replica set; Redis Cluster is not supported.
 */

/** Sets TTLs from the highest score of a model's cooldowns, and keeps the model index in step. */
const REFIT = `
local function refit(prefix, model, now, grace)
  local zkey = prefix .. 'cd:' .. model
  local hkey = prefix .. 'cdi:' .. model
  local mkey = prefix .. 'cdm'
  redis.call('ZREMRANGEBYSCORE', zkey, '-inf', '(' .. now)
  local top = redis.call('ZRANGE', zkey, -1, -1, 'WITHSCORES')
  if #top == 0 then
    redis.call('DEL', zkey)
    redis.call('ZREM', mkey, model)
  elseif top[2] == 'inf' then
    redis.call('PERSIST', zkey)
    redis.call('PERSIST', hkey)
    redis.call('ZADD', mkey, 'inf', model)
  else
    local ttl = math.max(1, tonumber(top[2]) - now)
    redis.call('PEXPIRE', zkey, string.format('%d', ttl))
    redis.call('PEXPIRE', hkey, string.format('%d', ttl + grace))
    redis.call('ZADD', mkey, top[2], model)
  end
  local mtop = redis.call('ZRANGE', mkey, -1, -1, 'WITHSCORES')
  if #mtop > 0 then
    if mtop[2] == 'inf' then
      redis.call('PERSIST', mkey)
    else
      redis.call('PEXPIRE', mkey, string.format('%d', math.max(1, tonumber(mtop[2]) - now) + grace))
    end
  end
end
`;

/**
 * KEYS: cd:<model>, cd:*, cursor, in-flight hash. ARGV: now, advance (1/0), withInFlight (1/0), cursor TTL.
 * Returns { cursor before advancing, [id, until, ...] cooling now, [id, count, ...] in flight }.
 */
export const SELECTION = new LuaScript(`
local out = {}
local function cooling(key)
  local r = redis.call('ZRANGEBYSCORE', key, '(' .. ARGV[1], '+inf', 'WITHSCORES')
  for i = 1, #r do out[#out + 1] = r[i] end
end
cooling(KEYS[1])
if KEYS[2] ~= KEYS[1] then cooling(KEYS[2]) end
local cursor = 0
if ARGV[2] == '1' then
  cursor = redis.call('INCR', KEYS[3]) - 1
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
end
local inflight = {}
if ARGV[3] == '1' then inflight = redis.call('HGETALL', KEYS[4]) end
return { cursor, out, inflight }
`);

/** ARGV: prefix, model, id, until ('inf' or ms), details JSON, now, grace. */
export const SET_COOLDOWN = new LuaScript(`${REFIT}
local prefix, model, id = ARGV[1], ARGV[2], ARGV[3]
redis.call('ZADD', prefix .. 'cd:' .. model, ARGV[4], id)
redis.call('HSET', prefix .. 'cdi:' .. model, id, ARGV[5])
refit(prefix, model, tonumber(ARGV[6]), tonumber(ARGV[7]))
return 1
`);

/** ARGV: prefix, model, id, now, grace. */
export const CLEAR_COOLDOWN = new LuaScript(`${REFIT}
local prefix, model, id = ARGV[1], ARGV[2], ARGV[3]
redis.call('ZREM', prefix .. 'cd:' .. model, id)
redis.call('HDEL', prefix .. 'cdi:' .. model, id)
refit(prefix, model, tonumber(ARGV[4]), tonumber(ARGV[5]))
return 1
`);

/** ARGV: prefix, id, now, grace. Clears the credential's cooldowns for every model and its failure count. */
export const CLEAR_CREDENTIAL = new LuaScript(`${REFIT}
local prefix, id = ARGV[1], ARGV[2]
local models = redis.call('ZRANGE', prefix .. 'cdm', 0, -1)
for _, model in ipairs(models) do
  redis.call('ZREM', prefix .. 'cd:' .. model, id)
  redis.call('HDEL', prefix .. 'cdi:' .. model, id)
  refit(prefix, model, tonumber(ARGV[3]), tonumber(ARGV[4]))
end
redis.call('DEL', prefix .. 'fail:' .. id)
return 1
`);

/** ARGV: prefix, now. Returns [model, id, details, ...] of the cooldowns in force. */
export const LIST_COOLDOWNS = new LuaScript(`
local prefix, now = ARGV[1], ARGV[2]
local out = {}
local models = redis.call('ZRANGEBYSCORE', prefix .. 'cdm', '(' .. now, '+inf')
for _, model in ipairs(models) do
  local ids = redis.call('ZRANGEBYSCORE', prefix .. 'cd:' .. model, '(' .. now, '+inf')
  for _, id in ipairs(ids) do
    local details = redis.call('HGET', prefix .. 'cdi:' .. model, id)
    if details then
      out[#out + 1] = model
      out[#out + 1] = id
      out[#out + 1] = details
    end
  end
end
return out
`);

/** KEYS: in-flight hash. ARGV: id, safety TTL. */
export const ACQUIRE = new LuaScript(`
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n
`);

/** KEYS: in-flight hash. ARGV: id. Never goes below zero (a release after a restart or a fallback). */
export const RELEASE = new LuaScript(`
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return n
`);

/** KEYS: failure counter. ARGV: TTL. */
export const RECORD_FAILURE = new LuaScript(`
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return n
`);

/** KEYS: window hash. ARGV: amount, window ms, now, now + window. Returns { total, resetAt }. */
export const HIT = new LuaScript(`
local reset = redis.call('HGET', KEYS[1], 'reset')
if not reset or tonumber(reset) <= tonumber(ARGV[3]) then
  reset = ARGV[4]
  redis.call('HSET', KEYS[1], 'total', 0, 'reset', reset)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local total = redis.call('HINCRBYFLOAT', KEYS[1], 'total', ARGV[1])
return { total, reset }
`);

/** KEYS: lock. ARGV: token. Deletes the lock only while it is still ours (it may have expired and been retaken). */
export const UNLOCK = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
