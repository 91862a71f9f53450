export type { ClusterNodeEntry } from './cluster-nodes.js';
export { parseClusterNodes } from './cluster-nodes.js';
export type { ReshardOptions } from './cluster-reshard.js';
export {
  RedisCommandTimeoutError,
  RedisReplyError,
  RedisServerNotFoundError,
  RedisServerStartError,
} from './errors.js';
export type { FindFreePortOptions } from './free-port.js';
export { CLUSTER_BUS_PORT_OFFSET, findFreePort } from './free-port.js';
export type { HostAndPort } from './host-and-port.js';
export type { RedisCluster, RedisClusterOptions } from './redis-cluster.js';
export { startRedisCluster } from './redis-cluster.js';
export type { FailoverOptions, RedisSentinel, RedisSentinelOptions } from './redis-sentinel.js';
export { startRedisSentinel } from './redis-sentinel.js';
export type { RedisServer, RedisServerOptions } from './redis-server.js';
export { startRedisServer } from './redis-server.js';
export { hasHashFieldTtl, REDIS_8_VERSION, redis8Binary, redisServerVersion } from './redis-versions.js';
export type { BinaryRespReply, BulkDecoding, RespReply, SendCommandOptions } from './resp.js';
export { encodeCommand, parseReply, sendCommand } from './resp.js';
export type { ReplyOf, RespConnection, RespConnectionOptions } from './resp-connection.js';
export { openRespConnection } from './resp-connection.js';
export type { TlsCertificates } from './tls-certificates.js';
export { generateTlsCertificates } from './tls-certificates.js';
