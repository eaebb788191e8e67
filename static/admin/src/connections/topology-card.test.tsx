import '@testing-library/jest-dom';
import { render, screen, within } from '@testing-library/react';
import type { Connection } from '../../../shared/src/api/admin-api';
import { makeConnection, makePendingConnection } from '../../../shared/src/testing/builders';
import { RELAY_NOTE, TopologyCard } from './topology-card';

const partner = (over: Partial<Connection> = {}) => makeConnection({ id: 'c2', name: 'Partner', remoteSiteName: 'partner', remoteSiteUrl: 'http://127.0.0.1:7103', ...over });

function lines() {
  const list = screen.getByRole('list', { name: 'Sites connected to This site' });
  return within(list).getAllByRole('listitem').map((li) => li.textContent);
}

describe('Topology card', () => {
  it('shows nothing without connections', () => {
    const { container } = render(<TopologyCard connections={[]} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('shows this site and the other site of one connection in words, without the relay note', () => {
    render(<TopologyCard connections={[makeConnection()]} />);
    expect(screen.getByRole('heading', { name: 'Topology' })).toBeInTheDocument();
    expect(lines()).toEqual(['This site ↔ external — active, both ways']);
    expect(screen.queryByText(RELAY_NOTE)).not.toBeInTheDocument();
  });

  it.each<[Partial<Connection>, string]>([
    [{ direction: 'send-only' }, 'This site → partner — active, sent from here only'],
    [{ direction: 'receive-only' }, 'This site ← partner — active, received here only'],
    [{ status: 'closed' }, 'This site ↔ partner — ended by the other site, both ways'],
  ])('says the status and direction of %o', (over, line) => {
    render(<TopologyCard connections={[partner(over)]} />);
    expect(lines()).toEqual([line]);
  });

  it('names a pending connection by its name, and this site by its name when known', () => {
    render(<TopologyCard siteName="internal" connections={[makePendingConnection({ name: 'Partner' })]} />);
    const list = screen.getByRole('list', { name: 'Sites connected to internal' });
    expect(within(list).getByRole('listitem')).toHaveTextContent('internal ↔ Partner — waiting for the other side, both ways');
  });

  it('says that changes are relayed when two or more connections are active (a hub)', () => {
    render(<TopologyCard connections={[makeConnection(), partner()]} />);
    expect(lines()).toEqual(['This site ↔ external — active, both ways', 'This site ↔ partner — active, both ways']);
    expect(screen.getByText(RELAY_NOTE)).toBeInTheDocument();
  });

  it('does not speak of relaying while only one connection is active', () => {
    render(<TopologyCard connections={[makeConnection(), makePendingConnection({ id: 'c2', name: 'Partner' })]} />);
    expect(screen.queryByText(RELAY_NOTE)).not.toBeInTheDocument();
  });
});
