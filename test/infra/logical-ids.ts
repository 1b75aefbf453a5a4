/**
 * The stateful resources of a PeerPath stack: a change of logical id makes CloudFormation create a new one and
 * delete (or, for the retained ones, orphan) the old: an empty table, a key the data cannot be read with, a
 * user pool without its users, a log group losing its history. Their logical ids are kept in
 * `logical-ids.snapshot.json`; a rename has to change that file, deliberately.
 */
export const STATEFUL_TYPES = [
  'AWS::DynamoDB::GlobalTable',
  'AWS::KMS::Key',
  'AWS::KMS::Alias',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolGroup',
  'AWS::Cognito::UserPoolClient',
  'AWS::Cognito::UserPoolDomain',
  'AWS::S3::Bucket',
  'AWS::Logs::LogGroup',
  'AWS::SNS::Topic',
  'AWS::SQS::Queue',
  'AWS::StepFunctions::StateMachine',
  'AWS::Events::EventBus',
] as const;

export type LogicalIds = Record<string, Record<string, string[]>>;

type Template = { Resources: Record<string, { Type: string }> };

/** Per stateful type, the sorted logical ids of a template's resources of that type. */
export function statefulLogicalIds(template: Template): Record<string, string[]> {
  return Object.fromEntries(
    STATEFUL_TYPES.map((type) => [
      type,
      Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === type)
        .map(([id]) => id)
        .sort(),
    ]),
  );
}
