import { Annotations, CfnParameter, type Stack } from 'aws-cdk-lib';
import { JWT_ISSUER_PATTERN } from '../context.ts';

/** What a deployment must say when the synth was not told (`-c …`): CloudFormation parameters with no default. */

/** An outside service's endpoint as a parameter that must be given at deployment (no default). */
export function endpointParameter(stack: Stack, id: string, what: string, contextKey: string): string {
  return new CfnParameter(stack, id, {
    type: 'String',
    description: `The https endpoint of ${what} (or synthesize with -c ${contextKey}=…)`,
    allowedPattern: '^https://[^\\s?#]+$',
    constraintDescription: 'must be an https URL without query or fragment',
  }).valueAsString;
}

/** The issuer as a parameter that must be given at deployment (no default): `cdk deploy` refuses to go on without it. */
export function jwtIssuerParameter(stack: Stack): string {
  const issuer = new CfnParameter(stack, 'JwtIssuer', {
    type: 'String',
    description: 'The https URL of the identity provider whose JWTs the API accepts, exactly as in their iss claim (or synthesize with -c jwtIssuer=…)',
    allowedPattern: JWT_ISSUER_PATTERN,
    constraintDescription: 'must be the https URL of a real identity provider: no query or fragment, not a reserved .invalid, .test, .example or .localhost name',
  });
  Annotations.of(stack).addWarningV2(
    'yiwangtongban:jwtIssuer',
    `No -c jwtIssuer: the JWT issuer is the CloudFormation parameter JwtIssuer, which has no default. \`cdk deploy\` stops ("The following CloudFormation Parameters are missing a value: JwtIssuer") unless given -c jwtIssuer=https://… or --parameters ${stack.stackName}:JwtIssuer=https://….`,
  );
  return issuer.valueAsString;
}
