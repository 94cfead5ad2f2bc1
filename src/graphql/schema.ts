// Builds the schema from every module's GraphQL file and exports only that.
import { specifiedDirectives, DirectiveLocation, GraphQLBoolean, GraphQLDirective, GraphQLList, GraphQLNonNull, GraphQLString, lexicographicSortSchema } from 'graphql';
import { builder } from './builder';
import { enforceRateLimits, rateLimitDirective } from '../modules/ratelimit/rate-limit.directive';
import '../modules/users/users.graphql';
import '../modules/sessions/sessions.graphql';
import '../modules/auth/auth.graphql';
import '../modules/mfa/mfa.graphql';
import '../modules/auth/credentials.graphql';
import '../modules/auth/password-policy.graphql';
import '../modules/audit/audit.graphql';
import '../modules/alerts/alerts.graphql';
import '../modules/apikeys/apikeys.graphql';
import '../modules/webhooks/webhooks.graphql';
import '../modules/lockout/lockout.graphql';
import '../modules/recovery/recovery.graphql';

const authDirective = new GraphQLDirective({
  name: 'auth',
  description:
    'The scopes a caller must hold for this field (enforced; printed so clients can see it). An empty list means any signed-in caller. `sessionOnly`: a signed-in session is required, API keys are refused whatever their scopes.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    scopes: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) },
    sessionOnly: { type: GraphQLBoolean },
  },
});

export const schema = enforceRateLimits(lexicographicSortSchema(builder.toSchema({ directives: [...specifiedDirectives, authDirective, rateLimitDirective] })));
