/** AWS Backup in a protected environment: vault, plan and a selection by tag. */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { templateClaims } from '../../src/estate/claims';
import { environmentRoot } from '../../src/naming/names';
import { BACKUP_TAG, markForBackup } from '../../src/service/backup-tag';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE } from '../support/estate-files';

describe('environment backups', () => {
  // GIVEN an unprotected staging and a protected production
  const estate = compile({ 'estate.yaml': MINIMAL_ESTATE });
  const staging = estate.template('test-staging-foundation');
  const production = estate.template('test-production-foundation');
  const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };

  it('exist only where the environment is protected', () => {
    staging.resourceCountIs('AWS::Backup::BackupVault', 0);
    staging.resourceCountIs('AWS::Backup::BackupPlan', 0);
    production.resourceCountIs('AWS::Backup::BackupVault', 1);
    production.resourceCountIs('AWS::Backup::BackupPlan', 1);
  });

  it('keep recovery points in a retained vault encrypted with the environment key', () => {
    production.hasResource('AWS::Backup::BackupVault', {
      Properties: { BackupVaultName: 'test-production-backup', EncryptionKeyArn: keyArn },
      DeletionPolicy: 'Retain',
    });
  });

  it('back up continuously with daily points kept 35 days, and weekly points kept a year', () => {
    production.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'test-production',
        BackupPlanRule: [
          Match.objectLike({ RuleName: 'Daily', ScheduleExpression: 'cron(0 3 * * ? *)', EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } }),
          Match.objectLike({ RuleName: 'Weekly', ScheduleExpression: 'cron(0 4 ? * SUN *)', Lifecycle: { DeleteAfterDays: 365 } }),
        ],
      },
    });
  });

  it('select every resource tagged cityplan:backup=true, with a role that may back up and restore', () => {
    production.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        ListOfTags: [{ ConditionKey: 'cityplan:backup', ConditionValue: 'true', ConditionType: 'STRINGEQUALS' }],
        IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Role'), 'Arn'] },
      },
    });
    const roles = Object.values(production.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] } } }));
    expect(roles).toHaveLength(1);
    const policies = JSON.stringify((roles[0] as { Properties: { ManagedPolicyArns: unknown } }).Properties.ManagedPolicyArns);
    expect(policies).toContain('service-role/AWSBackupServiceRolePolicyForBackup');
    expect(policies).toContain('service-role/AWSBackupServiceRolePolicyForRestores');
  });

  it('claim the vault and plan names', () => {
    const template = estate.app.synth().getStackByName('test-production-foundation').template;
    const { claims, retains } = templateClaims(template, 'test-production-foundation', environmentRoot('test', 'production'));
    expect(claims).toEqual(expect.arrayContaining(['AWS::Backup::BackupVault test-production-backup', 'AWS::Backup::BackupPlan test-production']));
    expect(retains).toContain('AWS::Backup::BackupVault test-production-backup');
  });

  it('markForBackup tags what it is given with the tag the selection reads', () => {
    const stack = new Stack();
    markForBackup(new s3.Bucket(stack, 'Data'));
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { Tags: Match.arrayWith([{ Key: BACKUP_TAG.key, Value: BACKUP_TAG.value }]) });
  });
});
