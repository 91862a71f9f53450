/** Address of a server, in the shape ioredis takes for cluster startup nodes and sentinels. */
export interface HostAndPort {
  /** Always `127.0.0.1` for servers started by these helpers. */
  host: string;
  /** TCP port. */
  port: number;
}
