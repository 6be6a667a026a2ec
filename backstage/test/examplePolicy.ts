/**
 * The example permission policy of backstage/README.md, as a real permission-backend module: everyone
 * but contractors reads, on-call groups may request stabilize, SREs approve. The tests run it for real.
 */
import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { AuthorizeResult, isPermission, type PolicyDecision } from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  ballastEventsReadPermission,
  ballastStabilizeApprovePermission,
  ballastStabilizeRequestPermission,
} from '@ballast/backstage-plugin-ballast-common';

const allowIf = (ok: boolean): PolicyDecision => ({ result: ok ? AuthorizeResult.ALLOW : AuthorizeResult.DENY });

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'ballast-example-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        const groupsOf = async (user?: PolicyQueryUser) =>
          user ? (await userInfo.getUserInfo(user.credentials)).ownershipEntityRefs : [];
        const examplePolicy: PermissionPolicy = {
          async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
            const groups = await groupsOf(user);
            if (isPermission(request.permission, ballastStabilizeApprovePermission))
              return allowIf(groups.includes('group:default/sre'));
            if (isPermission(request.permission, ballastStabilizeRequestPermission))
              return allowIf(groups.some((g) => g.startsWith('group:default/oncall-')));
            if (isPermission(request.permission, ballastEventsReadPermission))
              return allowIf(!groups.includes('group:default/contractors'));
            return { result: AuthorizeResult.ALLOW };
          },
        };
        policy.setPolicy(examplePolicy);
      },
    });
  },
});
