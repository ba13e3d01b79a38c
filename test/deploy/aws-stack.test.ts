import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks, HIPAASecurityChecks } from "cdk-nag";
import { albIdleTimeoutSeconds, apiPort, metricsPort } from "../../deploy/aws/lib/gateway-settings";
import { productionPoolSpec } from "../../deploy/aws/lib/gateway-stack";
import { alarmingLogEvents } from "../../deploy/aws/lib/observability";
import { buildTestApp, synthTemplate, type BuiltApp } from "./synth-app";

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown };
type ContainerDefinition = {
  Environment: { Name: string; Value: unknown }[];
  Secrets: { Name: string }[];
  PortMappings: { ContainerPort: number }[];
  ReadonlyRootFilesystem: boolean;
  User: string;
};

// One synthesis for the whole file (bundles the triggers, stages the image context, runs both cdk-nag packs).
let built: BuiltApp;
let template: Template;
beforeAll(() => {
  built = buildTestApp();
  template = synthTemplate(built);
});
afterAll(() => rmSync(built.outdir, { recursive: true, force: true }));

const resources = (type: string): [string, Resource][] => Object.entries(template.findResources(type) as Record<string, Resource>);
const only = (type: string): Resource => {
  const found = resources(type);
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[1];
};
type NamedContainer = ContainerDefinition & { Name: string; Command?: string[] };
const containerNamed = (name: string): NamedContainer => {
  const containers = resources("AWS::ECS::TaskDefinition").flatMap(([, t]) => t.Properties["ContainerDefinitions"] as NamedContainer[]);
  const found = containers.filter((c) => c.Name === name);
  expect(found).toHaveLength(1);
  return found[0] as NamedContainer;
};
const containerDefinition = (): ContainerDefinition => containerNamed("gateway");
const environment = (): Record<string, unknown> => Object.fromEntries(containerDefinition().Environment.map((e) => [e.Name, e.Value]));
const albAttributes = (): Record<string, string> =>
  Object.fromEntries((only("AWS::ElasticLoadBalancingV2::LoadBalancer").Properties["LoadBalancerAttributes"] as { Key: string; Value: string }[]).map((a) => [a.Key, a.Value]));

describe("the CDK app, synthesised offline", () => {
  it("passes cdk-nag's HIPAA Security and AWS Solutions packs with no unacknowledged finding", () => {
    // synth() above throws on an unacknowledged error; run the packs on the same tree for warnings too.
    for (const pack of [new HIPAASecurityChecks(), new AwsSolutionsChecks()]) {
      const report = pack.validateScope(built.app);
      expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(", ")}`)).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  describe("Cognito", () => {
    it("has the pool spec's MFA and password policy", () => {
      const spec = productionPoolSpec(built.settings);
      const pool = only("AWS::Cognito::UserPool").Properties;
      expect(pool["MfaConfiguration"]).toBe("ON");
      expect(pool["EnabledMfas"]).toEqual(["SOFTWARE_TOKEN_MFA"]);
      expect((pool["Policies"] as Record<string, unknown>)["PasswordPolicy"]).toEqual(spec.pool.Policies?.PasswordPolicy);
      expect(pool).toMatchObject({ UsernameAttributes: ["email"], DeletionProtection: "ACTIVE", UserPoolTier: "PLUS", UserPoolAddOns: { AdvancedSecurityMode: "ENFORCED" } });
    });

    it("wires the three custom-auth triggers, bundled, with the public keys from context", () => {
      const lambdaConfig = only("AWS::Cognito::UserPool").Properties["LambdaConfig"] as Record<string, unknown>;
      expect(Object.keys(lambdaConfig).sort()).toEqual(["CreateAuthChallenge", "DefineAuthChallenge", "VerifyAuthChallengeResponse"]);
      const functions = resources("AWS::Lambda::Function").filter(([, r]) => (r.Properties["Environment"] as { Variables?: Record<string, string> } | undefined)?.Variables?.["CUSTOM_AUTH_PUBLIC_KEYS"] !== undefined);
      expect(functions).toHaveLength(3);
      for (const [, fn] of functions) {
        const variables = (fn.Properties["Environment"] as { Variables: Record<string, string> }).Variables;
        expect(JSON.parse(variables["CUSTOM_AUTH_PUBLIC_KEYS"] ?? "")).toEqual(built.settings.customAuthPublicKeys);
        expect(variables).not.toHaveProperty("CUSTOM_AUTH_SECRET");
        expect(fn.Properties).toMatchObject({ VpcConfig: { SubnetIds: expect.any(Array) }, KmsKeyArn: expect.anything() });
      }
      template.resourceCountIs("AWS::Lambda::Permission", 3);
      template.hasResourceProperties("AWS::Lambda::Permission", { Principal: "cognito-idp.amazonaws.com", SourceArn: Match.anyValue() });
    });

    it("has a confidential code-grant client with HTTPS redirects only, and the hosted domain", () => {
      const client = only("AWS::Cognito::UserPoolClient").Properties;
      expect(client).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ["code"], AllowedOAuthFlowsUserPoolClient: true });
      for (const url of [...(client["CallbackURLs"] as string[]), ...(client["LogoutURLs"] as string[])]) expect(url).toMatch(/^https:\/\//);
      template.hasResourceProperties("AWS::Cognito::UserPoolDomain", { Domain: built.settings.hostedDomainPrefix });
    });
  });

  describe("data stores: encrypted at rest and in transit", () => {
    it("Redis: TLS required, AUTH token, KMS at rest, Multi-AZ with automatic failover", () => {
      const redis = only("AWS::ElastiCache::ReplicationGroup").Properties;
      expect(redis).toMatchObject({ TransitEncryptionEnabled: true, TransitEncryptionMode: "required", AtRestEncryptionEnabled: true, MultiAZEnabled: true, AutomaticFailoverEnabled: true, KmsKeyId: expect.anything() });
      expect(redis["NumCacheClusters"]).toBeGreaterThanOrEqual(2);
      // The token is a Secrets Manager dynamic reference, never a literal.
      expect(JSON.stringify(redis["AuthToken"])).toContain("{{resolve:secretsmanager:");
    });

    it("PostgreSQL: KMS-encrypted, TLS forced, Multi-AZ, 35 days of backups, deletion protection, private", () => {
      const db = only("AWS::RDS::DBInstance").Properties;
      expect(db).toMatchObject({ StorageEncrypted: true, KmsKeyId: expect.anything(), MultiAZ: true, DeletionProtection: true, PubliclyAccessible: false });
      expect(db["BackupRetentionPeriod"]).toBeGreaterThanOrEqual(35);
      const parameters = only("AWS::RDS::DBParameterGroup").Properties["Parameters"] as Record<string, string>;
      expect(parameters["rds.force_ssl"]).toBe("1");
      // Statement logging would write the rotation functions' CREATE/ALTER ROLE … PASSWORD into the logs.
      expect(parameters).not.toHaveProperty("log_statement");
      // The owner's and the gateway role's credentials both rotate.
      template.resourceCountIs("AWS::SecretsManager::RotationSchedule", 2);
      expect(environment()["DATABASE_URL"]).toEqual(expect.objectContaining({ "Fn::Join": expect.arrayContaining([expect.arrayContaining([expect.stringContaining("sslmode=verify-full")])]) }));
    });

    it("every secret, log group and the alarm topic use the stack's KMS key; logs are kept six years", () => {
      for (const [, secret] of resources("AWS::SecretsManager::Secret")) expect(secret.Properties["KmsKeyId"]).toBeDefined();
      const logGroups = resources("AWS::Logs::LogGroup");
      expect(logGroups.length).toBeGreaterThanOrEqual(8);
      for (const [, group] of logGroups) {
        expect(group.Properties["KmsKeyId"]).toBeDefined();
        expect(group.Properties["RetentionInDays"]).toBeGreaterThanOrEqual(2190);
      }
      // The triggers log to their own groups; the rotation functions' groups exist before the functions do.
      for (const [, fn] of resources("AWS::Lambda::Function").filter(([, f]) => (f.Properties["Environment"] as { Variables?: Record<string, string> } | undefined)?.Variables?.["CUSTOM_AUTH_PUBLIC_KEYS"])) {
        expect(fn.Properties["LoggingConfig"]).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
      }
      const rotations = resources("AWS::Serverless::Application");
      expect(rotations).toHaveLength(2);
      for (const [, application] of rotations) {
        const name = `/aws/lambda/${(application.Properties["Parameters"] as { functionName: string }).functionName}`;
        const group = logGroups.find(([, g]) => g.Properties["LogGroupName"] === name);
        expect(group).toBeDefined();
        expect(application.DependsOn).toContain(group?.[0]);
      }
      template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
      template.hasResourceProperties("AWS::S3::Bucket", { BucketEncryption: Match.objectLike({ ServerSideEncryptionConfiguration: Match.anyValue() }) });
    });
  });

  describe("the gateway service", () => {
    it("runs two or more tasks across AZs in private subnets, scaling on CPU and request count", () => {
      const service = only("AWS::ECS::Service").Properties;
      expect(service["DesiredCount"]).toBeGreaterThanOrEqual(2);
      expect(service).toMatchObject({ NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: "DISABLED" } } });
      expect(((service["NetworkConfiguration"] as { AwsvpcConfiguration: { Subnets: unknown[] } }).AwsvpcConfiguration.Subnets)).toHaveLength(2);
      expect(only("AWS::ApplicationAutoScaling::ScalableTarget").Properties["MinCapacity"]).toBeGreaterThanOrEqual(2);
      const metrics = resources("AWS::ApplicationAutoScaling::ScalingPolicy").map(([, p]) => (p.Properties["TargetTrackingScalingPolicyConfiguration"] as { PredefinedMetricSpecification: { PredefinedMetricType: string } }).PredefinedMetricSpecification.PredefinedMetricType);
      expect(metrics.sort()).toEqual(["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]);
    });

    it("has a read-only root file system, a non-root user and production settings; secrets only from Secrets Manager", () => {
      const container = containerDefinition();
      expect(container.ReadonlyRootFilesystem).toBe(true);
      expect(container.User).toBe("node");
      expect(environment()).toMatchObject({ GATEWAY_MODE: "production", NODE_ENV: "production", TRUST_PROXY_HOPS: "1" });
      expect(container.Secrets.map((s) => s.Name).sort()).toEqual(
        ["ALERT_WEBHOOK_SECRET", "ALERT_WEBHOOK_URL", "AUDIT_CHAIN_KEY", "COGNITO_CLIENT_SECRET", "CUSTOM_AUTH_PRIVATE_KEY", "NOTICE_WEBHOOK_SECRET", "NOTICE_WEBHOOK_URL", "PGPASSWORD", "PGUSER", "REDIS_URL", "TOTP_SEAL_KEY"].sort(),
      );
      const plain = Object.keys(environment());
      for (const secretName of ["CUSTOM_AUTH_SECRET", "CUSTOM_AUTH_PRIVATE_KEY", "COGNITO_CLIENT_SECRET", "REDIS_URL", "AUDIT_CHAIN_KEY", "PGPASSWORD"]) expect(plain).not.toContain(secretName);
    });

    it("trusts the RDS certificate authority the image carries (DATABASE_URL verifies the server)", () => {
      const dockerfile = readFileSync(join(__dirname, "../../Dockerfile"), "utf8");
      const bundle = String(environment()["NODE_EXTRA_CA_CERTS"]);
      // ADD <url> <directory>/: the file keeps the URL's name (dockerfilelint reads a flag before a file destination as a second source).
      const [dir, file] = [bundle.slice(0, bundle.lastIndexOf("/") + 1), bundle.slice(bundle.lastIndexOf("/") + 1)];
      expect(dockerfile).toMatch(new RegExp(`^ADD .*https://truststore\\.pki\\.rds\\.amazonaws\\.com/\\S*/${file.replace(/[.]/g, "\\.")} ${dir}$`, "m"));
    });

    it("migrates with the owner role in a one-off task; the gateway itself never gets the owner's credentials", () => {
      const migrate = containerNamed("migrate");
      expect(migrate).toMatchObject({ ReadonlyRootFilesystem: true, User: "node", Command: ["node", "dist/audit/postgres/migrate-cli.js"] });
      const secretArn = (container: NamedContainer, name: string) => JSON.stringify((container.Secrets as { Name: string; ValueFrom: unknown }[]).find((s) => s.Name === name)?.ValueFrom);
      expect(secretArn(migrate, "PGPASSWORD")).not.toEqual(secretArn(containerNamed("gateway"), "PGPASSWORD"));
      const gatewayRoleSecret = /GatewayRoleSecret/;
      expect(secretArn(containerNamed("gateway"), "PGPASSWORD")).toMatch(gatewayRoleSecret);
      expect(JSON.stringify(migrate.Secrets)).not.toMatch(gatewayRoleSecret);
      template.resourceCountIs("AWS::ECS::Service", 1);
    });

    it("keeps connections open longer than the load balancer does (no 502 on a reused connection)", () => {
      const idle = Number(albAttributes()["idle_timeout.timeout_seconds"]);
      expect(idle).toBe(albIdleTimeoutSeconds);
      expect(Number(environment()["HTTP_KEEP_ALIVE_SECONDS"])).toBeGreaterThan(idle);
    });

    it("trusts exactly one proxy hop: the ALB is the only proxy in front of the tasks", () => {
      // No CloudFront or second balancer in the template that would add a hop.
      template.resourceCountIs("AWS::CloudFront::Distribution", 0);
      template.resourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
      expect(environment()["TRUST_PROXY_HOPS"]).toBe("1");
    });

    it("never routes /metrics publicly: the metrics port is neither mapped nor a target", () => {
      expect(environment()["METRICS_PORT"]).toBe(String(metricsPort));
      expect(containerDefinition().PortMappings.map((p) => p.ContainerPort)).toEqual([apiPort]);
      for (const [, group] of resources("AWS::ElasticLoadBalancingV2::TargetGroup")) expect(group.Properties["Port"]).toBe(apiPort);
      expect(JSON.stringify(template.findResources("AWS::ElasticLoadBalancingV2::ListenerRule"))).not.toContain("metrics");
    });

    it("builds the image from the repository's Dockerfile without node_modules, dist, .git or cdk.out in the context", () => {
      const manifest = JSON.parse(readFileSync(join(built.outdir, `${built.stack.artifactId}.assets.json`), "utf8")) as { dockerImages: Record<string, { source: { directory: string; dockerFile?: string } }> };
      const images = Object.values(manifest.dockerImages);
      expect(images).toHaveLength(1);
      const staged = join(built.outdir, (images[0] as { source: { directory: string } }).source.directory);
      expect(existsSync(join(staged, "Dockerfile"))).toBe(true);
      expect(existsSync(join(staged, "src", "main.ts"))).toBe(true);
      const all: string[] = [];
      const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          all.push(join(dir, entry.name));
          if (entry.isDirectory()) walk(join(dir, entry.name));
        }
      };
      walk(staged);
      expect(all.filter((p) => /[\\/](node_modules|dist|\.git|cdk\.out|deploy)([\\/]|$)/.test(p))).toEqual([]);
    });
  });

  describe("the load balancer: HTTPS only", () => {
    it("serves HTTPS with a TLS 1.2+ policy and answers HTTP only with a redirect to HTTPS", () => {
      const listeners = resources("AWS::ElasticLoadBalancingV2::Listener").map(([, l]) => l.Properties);
      expect(listeners).toHaveLength(2);
      const https = listeners.find((l) => l["Protocol"] === "HTTPS");
      expect(https).toMatchObject({ Port: 443, SslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", Certificates: [{ CertificateArn: built.settings.certificateArn }] });
      const http = listeners.find((l) => l["Protocol"] === "HTTP");
      expect(http).toMatchObject({ Port: 80, DefaultActions: [{ Type: "redirect", RedirectConfig: { Protocol: "HTTPS", Port: "443", StatusCode: "HTTP_301" } }] });
    });

    it("logs access to an encrypted bucket and drops invalid headers", () => {
      expect(albAttributes()).toMatchObject({ "access_logs.s3.enabled": "true", "routing.http.drop_invalid_header_fields.enabled": "true", "deletion_protection.enabled": "true" });
    });

    it("has AWS WAF in front with rate-based rules, logging to a redacted log", () => {
      const acl = only("AWS::WAFv2::WebACL").Properties;
      const rateRules = (acl["Rules"] as { Statement: Record<string, unknown> }[]).filter((r) => "RateBasedStatement" in r.Statement);
      expect(rateRules.length).toBeGreaterThanOrEqual(2);
      template.resourceCountIs("AWS::WAFv2::WebACLAssociation", 1);
      template.hasResourceProperties("AWS::WAFv2::LoggingConfiguration", { RedactedFields: Match.arrayWith([{ SingleHeader: { Name: "authorization" } }]) });
    });
  });

  describe("network", () => {
    type Ingress = { group: string; cidr?: string; source?: unknown };
    const ingressRules = (): Ingress[] => {
      const rules: Ingress[] = [];
      for (const [id, group] of resources("AWS::EC2::SecurityGroup")) {
        for (const rule of (group.Properties["SecurityGroupIngress"] as Record<string, unknown>[] | undefined) ?? []) rules.push({ group: id, cidr: (rule["CidrIp"] ?? rule["CidrIpv6"]) as string | undefined, source: rule["SourceSecurityGroupId"] });
      }
      for (const [, rule] of resources("AWS::EC2::SecurityGroupIngress")) {
        const group = (rule.Properties["GroupId"] as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
        rules.push({ group, cidr: (rule.Properties["CidrIp"] ?? rule.Properties["CidrIpv6"]) as string | undefined, source: rule.Properties["SourceSecurityGroupId"] });
      }
      return rules;
    };
    const groupId = (prefix: string): string => {
      const found = resources("AWS::EC2::SecurityGroup").map(([id]) => id).filter((id) => id.startsWith(prefix));
      expect(found).toHaveLength(1);
      return found[0] as string;
    };

    it("has no public ingress to the tasks, Redis or the database: only the load balancer accepts the internet", () => {
      const open = ingressRules().filter((r) => r.cidr === "0.0.0.0/0" || r.cidr === "::/0");
      expect(new Set(open.map((r) => r.group))).toEqual(new Set([groupId("GatewayLoadBalancerSecurityGroup")]));
      const tasks = groupId("GatewayTaskSecurityGroup");
      for (const protectedGroup of [tasks, groupId("StateRedisSecurityGroup"), groupId("StateDatabaseSecurityGroup")]) {
        const rules = ingressRules().filter((r) => r.group === protectedGroup);
        expect(rules.length).toBeGreaterThan(0);
        for (const rule of rules) {
          expect(rule.cidr).toBeUndefined();
          expect(rule.source).toBeDefined();
        }
      }
      // Redis takes connections from the tasks only.
      expect(ingressRules().filter((r) => r.group === groupId("StateRedisSecurityGroup")).map((r) => r.source)).toEqual([{ "Fn::GetAtt": [tasks, "GroupId"] }]);
    });

    it("logs every flow, and no subnet hands out public addresses", () => {
      template.hasResourceProperties("AWS::EC2::FlowLog", { TrafficType: "ALL", LogDestinationType: "cloud-watch-logs" });
      for (const [, subnet] of resources("AWS::EC2::Subnet")) expect(subnet.Properties["MapPublicIpOnLaunch"]).toBe(false);
    });
  });

  describe("alarms", () => {
    it("turns the gateway's alarming log lines into metrics with alarms, all to the encrypted topic", () => {
      const filters = resources("AWS::Logs::MetricFilter").map(([, f]) => f.Properties["FilterPattern"] as string);
      for (const event of Object.values(alarmingLogEvents)) expect(filters).toContainEqual(expect.stringContaining(`"${event}"`));
      const alarms = resources("AWS::CloudWatch::Alarm").map(([, a]) => a.Properties);
      expect(alarms.length).toBeGreaterThanOrEqual(12);
      for (const alarm of alarms) expect(alarm["AlarmActions"]).toHaveLength(1);
      const described = alarms.map((a) => String(a["AlarmDescription"])).join("\n");
      for (const topic of ["5xx", "/readyz", "Redis", "PostgreSQL", "AUDIT_WRITE_FAILED", "EMERGENCY_ALERT_DEAD_LETTER"]) expect(described).toContain(topic);
      template.hasResourceProperties("AWS::RDS::EventSubscription", { SourceType: "db-instance" });
      // The topic policy lets CloudWatch and RDS events publish (and refuses anything without TLS).
      const policy = JSON.stringify(only("AWS::SNS::TopicPolicy").Properties["PolicyDocument"]);
      for (const principal of ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com", "aws:SecureTransport"]) expect(policy).toContain(principal);
      expect(only("AWS::ElastiCache::ReplicationGroup").Properties["NotificationTopicArn"]).toBeDefined();
    });
  });
});
