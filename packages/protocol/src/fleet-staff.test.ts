import { describe, expect, it } from 'vitest';
import {
  auditListQuery,
  createStaffRequest,
  fleetBoxId,
  setBoxRouteRequest,
  setStaffRolesRequest,
  staffLoginRequest,
  staffUser,
} from './fleet-staff.js';

const strong = 'correct horse battery';

describe('fleet staff schemas', () => {
  it('accepts a well-formed new staff account', () => {
    const parsed = createStaffRequest.parse({
      username: 'ann.smith',
      displayName: '  Ann Smith ',
      password: strong,
      roles: ['route-operator', 'technician'],
    });
    expect(parsed.displayName).toBe('Ann Smith');
  });

  it.each([
    [{ username: 'Ann', password: strong, roles: [] }, 'username'],
    [{ username: 'a', password: strong, roles: [] }, 'username'],
    [{ username: 'ann', password: 'short', roles: [] }, 'password'],
    [{ username: 'ann', password: 'x'.repeat(1025), roles: [] }, 'password'],
    [{ username: 'ann', password: strong, roles: ['root'] }, 'roles'],
    [{ username: 'ann', password: strong, roles: ['admin', 'admin'] }, 'roles'],
    [{ username: 'ann', password: strong, roles: [], isAdmin: true }, ''],
    [{ username: 'ann', roles: [] }, 'password'],
  ])('refuses %j, pointing at %j', (body, field) => {
    const parsed = createStaffRequest.safeParse(body);
    expect(parsed.success).toBe(false);
    if (field) expect(parsed.error?.issues.map((i) => i.path[0])).toContain(field);
  });

  it('refuses unknown fields in requests (a typo must not pass silently)', () => {
    expect(setStaffRolesRequest.safeParse({ roles: [], role: 'admin' }).success).toBe(false);
    expect(staffLoginRequest.safeParse({ username: 'a', password: 'b', otp: 1 }).success).toBe(
      false,
    );
  });

  it('takes a box off its route with null, never with 0 or a string', () => {
    expect(setBoxRouteRequest.parse({ routeId: null })).toEqual({ routeId: null });
    expect(setBoxRouteRequest.safeParse({ routeId: 0 }).success).toBe(false);
    expect(setBoxRouteRequest.safeParse({ routeId: '1' }).success).toBe(false);
    expect(setBoxRouteRequest.safeParse({}).success).toBe(false);
  });

  it('coerces audit query strings and bounds the page size', () => {
    expect(auditListQuery.parse({ limit: '20', before: '7' })).toEqual({ limit: 20, before: 7 });
    expect(auditListQuery.parse({})).toEqual({ limit: 100 });
    expect(auditListQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(auditListQuery.safeParse({ limit: '501' }).success).toBe(false);
    expect(auditListQuery.safeParse({ before: 'abc' }).success).toBe(false);
  });

  it('matches box ids to the x-box-id header alphabet', () => {
    expect(fleetBoxId.safeParse('box-0f3a').success).toBe(true);
    expect(fleetBoxId.safeParse('-box').success).toBe(false);
    expect(fleetBoxId.safeParse('box/1').success).toBe(false);
    expect(fleetBoxId.safeParse('b'.repeat(65)).success).toBe(false);
  });

  it('describes users with ISO times', () => {
    const user = {
      id: 1,
      username: 'ann',
      displayName: 'Ann',
      roles: ['admin'],
      status: 'active',
      routeIds: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      lastLoginAt: null,
    };
    expect(staffUser.parse(user)).toEqual(user);
    expect(staffUser.safeParse({ ...user, createdAt: 'yesterday' }).success).toBe(false);
  });
});
