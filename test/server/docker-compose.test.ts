import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// README "Scaled out": `docker compose up --scale plinth=3` puts a load balancer in front of the
// instances. Docker cannot run here, so this reads the files and checks their wiring.
const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const compose = parse(read('docker-compose.yml'));
const { plinth, lb, postgres, redis } = compose.services;

/** `host:container` port mappings as [host, container]; `${VAR:-default}` read as its default. */
function portMappings(ports: string[]): [string, string][] {
  return ports.map((p) => {
    const withDefaults = p.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
    const [host, container] = withDefaults.split(':');
    return [host!, container!];
  });
}

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, Redis, the Plinth instances and a load balancer', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['lb', 'plinth', 'postgres', 'redis']);
    expect(postgres.healthcheck).toBeDefined();
    expect(redis.healthcheck).toBeDefined();
  });

  it('lets the instances scale: they publish no host port, the load balancer does', () => {
    expect(plinth.ports).toBeUndefined();
    expect(plinth.container_name).toBeUndefined();
    expect(plinth.expose).toEqual([plinth.environment.PORT]);
    expect(portMappings(lb.ports)).toEqual([['1337', '1337']]);
  });

  it('gives every instance the shared PostgreSQL and Redis, production mode and a required master key', () => {
    const env = plinth.environment;
    expect(env.NODE_ENV).toBe('production');
    expect(new URL(env.DATABASE_URL).hostname).toBe('postgres');
    expect(new URL(env.DATABASE_URL).pathname).toBe(`/${postgres.environment.POSTGRES_DB}`);
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(env.PLINTH_MASTER_KEY).toMatch(/^\$\{PLINTH_MASTER_KEY:\?/);
    expect(plinth.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });

  it('checks each instance with GET /ready, in Docker and in the load balancer', () => {
    expect(plinth.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${plinth.environment.PORT}/ready`);
    const labels = plinth.labels;
    expect(labels['traefik.enable']).toBe('true');
    expect(labels['traefik.http.services.plinth.loadbalancer.server.port']).toBe(plinth.environment.PORT);
    expect(labels['traefik.http.services.plinth.loadbalancer.healthcheck.path']).toBe('/ready');
  });

  it('routes everything to the instances but /metrics, which is scraped per instance', () => {
    const rule = plinth.labels['traefik.http.routers.plinth.rule'];
    expect(rule).toBe('PathPrefix(`/`) && !Path(`/metrics`)');
    expect(plinth.labels['traefik.http.routers.plinth.entrypoints']).toBe('web');
  });

  it('gives an instance longer than its own shutdown grace to stop before it is killed', () => {
    expect(parseInt(plinth.stop_grace_period, 10)).toBeGreaterThan(10);
  });
});

describe('the load balancer (Traefik)', () => {
  const config = parse(read('deploy/traefik.yml'));

  it('reads deploy/traefik.yml and finds the instances through Docker, read-only', () => {
    expect(lb.image).toMatch(/^traefik:v3/);
    expect(lb.volumes).toContain('./deploy/traefik.yml:/etc/traefik/traefik.yml:ro');
    expect(lb.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock:ro');
    expect(existsSync(path.join(ROOT, 'deploy/traefik.yml'))).toBe(true);
    expect(config.providers.docker.exposedByDefault).toBe(false);
  });

  it('listens where docker-compose publishes it', () => {
    const [, container] = portMappings(lb.ports)[0]!;
    expect(config.entryPoints.web.address).toBe(`:${container}`);
  });

  it('keeps idle WebSocket connections longer than graphql-ws pings them (12 s)', () => {
    expect(parseInt(config.entryPoints.web.transport.respondingTimeouts.idleTimeout, 10)).toBeGreaterThan(12);
  });

  it('has a healthcheck of its own (ping)', () => {
    expect(config.ping).toBeDefined();
    expect(lb.healthcheck.test).toEqual(['CMD', 'traefik', 'healthcheck', '--ping']);
  });
});

describe('Dockerfile', () => {
  it('checks the container with GET /ready', () => {
    expect(read('Dockerfile')).toMatch(/^HEALTHCHECK .*\n?.*\/ready/m);
  });
});

describe('README', () => {
  it('says how to run it scaled out', () => {
    expect(read('README.md')).toContain('docker compose up --build --scale plinth=3');
  });
});
