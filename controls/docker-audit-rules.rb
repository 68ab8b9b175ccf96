# Standalone controls in the InSpec DSL: run with `ferrospec exec controls/docker-audit-rules.rb`.
# The first control is the classic form of dev-sec's cis-docker-benchmark (an exact line of
# `auditctl -l`); the second uses ferrospec's structural matcher over the loaded and the
# persisted rules. Copy this file to start your own DSL controls; see docs/GRAMMAR.md.

title 'Docker daemon audit rules (DSL)'

only_if('docker not found') do
  command('docker').exist?
end

control 'local-docker-auditd-line' do
  impact 1.0
  title 'Audit the Docker client binary (exact auditctl line)'
  desc 'Audit all Docker daemon activities.'
  desc 'fix', 'Add `-w /usr/bin/docker -k docker` to /etc/audit/rules.d/docker.rules and run augenrules --load.'
  tag 'host'
  tag 'cis-docker-1.13.0': '1.5'
  tag 'level:1'
  ref 'System auditing', url: 'https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/7/html/security_guide/chap-system_auditing'
  only_if { os.linux? }

  describe auditd do
    its(:lines) { should include('-w /usr/bin/docker -p rwxa -k docker') }
  end
end

control 'local-docker-auditd-structural' do
  impact 'medium'
  title 'Audit the Docker client binary (any spelling, loaded and persisted)'
  only_if('/usr/bin/docker is not installed', impact: 0.0) { file('/usr/bin/docker').exist? }

  describe auditd(source: 'both') do
    it { should have_watch('/usr/bin/docker', permissions: 'wa') }
  end
end
