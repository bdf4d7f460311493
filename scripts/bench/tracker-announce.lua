-- wrk script: BitTorrent announces with random peer ids over a fixed set of info hashes.
-- BENCH_TORRENTS: how many distinct info hashes (hash i is 20 bytes: i as 40 hex digits).
-- Each request is a new peer (random peer id and port), so swarms keep growing.
local torrents = tonumber(os.getenv("BENCH_TORRENTS") or "10000")
local seed_share = 4 -- one announce in four is a seeder

local hex_escape = {}
for b = 0, 255 do hex_escape[b] = string.format("%%%02x", b) end

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
end

local function hash_param(i)
  -- 20 bytes, big-endian i in the last 8 bytes (i stays well below 2^53)
  local parts = {}
  for _ = 1, 12 do parts[#parts + 1] = "%00" end
  local bytes = {}
  local v = i
  for k = 8, 1, -1 do
    bytes[k] = v % 256
    v = math.floor(v / 256)
  end
  for k = 1, 8 do parts[#parts + 1] = hex_escape[bytes[k]] end
  return table.concat(parts)
end

local function random_peer_id()
  local parts = { "-BN0001-" }
  for _ = 1, 12 do parts[#parts + 1] = hex_escape[math.random(0, 255)] end
  return table.concat(parts)
end

request = function()
  local t = math.random(0, torrents - 1)
  local left = (math.random(1, seed_share) == 1) and 0 or math.random(1, 1000000000)
  local path = "/announce?info_hash=" .. hash_param(t)
    .. "&peer_id=" .. random_peer_id()
    .. "&port=" .. math.random(1025, 65535)
    .. "&uploaded=0&downloaded=0&left=" .. left
    .. "&compact=1&numwant=50&event=started"
  return wrk.format("GET", path)
end
