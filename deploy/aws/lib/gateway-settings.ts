/**
 * The gateway's listener settings and the load balancer's, in one place so they cannot be set apart.
 * An ALB reuses an idle connection for up to its idle timeout; a Node server that closes it sooner makes the
 * ALB answer 502 to whoever sent the next request on it. So the gateway's keep-alive outlives the ALB's.
 */
export const albIdleTimeoutSeconds = 60;
export const gatewayKeepAliveSeconds = albIdleTimeoutSeconds + 15;
export const apiPort = 4000;
/** Prometheus /metrics, on its own listener: not in the task's port mappings, not in the target group. */
export const metricsPort = 9464;
/** The ALB is the only proxy in front of the tasks: it appends the client's address to X-Forwarded-For. */
export const trustedProxyHops = 1;
