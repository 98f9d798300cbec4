import type { CallOutput } from '../../../../shared/api';
import type { ActionState } from '../../../api';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Spinner } from '../../../components/Spinner';
import { useSettings } from '../../../settings';

interface ConnectionActionsProps {
  isRpc: boolean;
  /** Saves the form first when it has unsaved edits (both calls act on the saved network); false when that failed. */
  saveFirst: () => Promise<boolean>;
  /** Owned by the form, which shows a check's invalid_input (a wrong chain id) next to its field. */
  check: ActionState<'ledger.check'>;
  deploy: ActionState<'ledger.deploy'>;
}

/** "Check connection" and "Deploy contracts here", with what each found. */
export function ConnectionActions({ isRpc, saveFirst, check, deploy }: ConnectionActionsProps) {
  const settings = useSettings();
  const busy = check.pending || deploy.pending;

  async function onCheck(): Promise<void> {
    deploy.reset();
    if (!(await saveFirst())) return;
    await check.run({});
  }
  async function onDeploy(): Promise<void> {
    check.reset();
    if (!(await saveFirst())) return;
    // The backend saved the addresses into the profile; the form picks them up from the settings.
    if (await deploy.run({})) settings.reload();
  }

  // An invalid_input names a field (a wrong chain id): the form shows it next to that field.
  const checkError = check.error?.error.code === 'invalid_input' ? null : check.error;
  const deployError = deploy.error?.error.code === 'invalid_input' ? null : deploy.error;

  return (
    <div className="ledger-connection">
      <div className="form-actions">
        <button type="button" className="button" data-testid="ledger-check" disabled={busy} onClick={() => void onCheck()}>
          Check connection
        </button>
        {isRpc && (
          <button type="button" className="button" data-testid="ledger-deploy" disabled={busy} onClick={() => void onDeploy()}>
            Deploy contracts here
          </button>
        )}
        {check.pending && <Spinner label="Connecting…" />}
        {deploy.pending && <Spinner label="Deploying four contracts: this waits for each transaction…" />}
      </div>
      {isRpc && (
        <p className="field-hint">
          Deploying sends four transactions from your wallet, so it must be unlocked (on the Wallet page) and hold enough of the chain&apos;s token for their gas. Do it once per chain: the addresses are saved here, and anyone else can enter the same ones.
        </p>
      )}
      {check.data && <CheckResult result={check.data} title="Connected." />}
      {deploy.data && <CheckResult result={{ addresses: deploy.data }} title="Deployed, and the addresses saved." />}
      {checkError && <ErrorMessage error={checkError} context="The connection check failed." testId="ledger-check-error" />}
      {deployError && <ErrorMessage error={deployError} context="Could not deploy the contracts." testId="ledger-deploy-error" />}
    </div>
  );
}

type Result = Partial<CallOutput<'ledger.check'>> & { addresses: CallOutput<'ledger.check'>['addresses'] };

function CheckResult({ result, title }: { result: Result; title: string }) {
  const rows: [string, string][] = [
    ...(result.chainId !== undefined ? ([['Chain', String(result.chainId)]] as [string, string][]) : []),
    ...(result.head !== undefined ? ([['Head block', String(result.head)]] as [string, string][]) : []),
    ...(result.rpcUrl !== undefined ? ([['RPC', result.rpcUrl]] as [string, string][]) : []),
    ...Object.entries(result.addresses),
  ];
  return (
    <div className="ledger-check-result" data-testid="ledger-check-result" role="status">
      <p className="form-note">{title}</p>
      <dl className="facts">
        {rows.map(([term, value]) => (
          <div className="facts-row" key={term}>
            <dt>{term}</dt>
            <dd className="mono selectable">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
