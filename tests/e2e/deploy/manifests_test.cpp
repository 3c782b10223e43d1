// deploy/: the Kubernetes manifests, the Helm chart and the Containerfile must agree with each other and
// with the CLIs they start: ports, probe paths, and every flag they pass (checked against --help of the
// built binaries, so renaming a flag breaks this test rather than a deployment).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <set>

#include "support/child_process.hpp"

using namespace std::chrono_literals;
using namespace cicada::testing;

namespace {

std::vector<YAML::Node> docs(const std::string& relative) { return YAML::LoadAllFromFile(source(relative)); }

YAML::Node find_kind(const std::vector<YAML::Node>& all, const std::string& kind) {
  for (const auto& d : all)
    if (d["kind"].as<std::string>() == kind) return d;
  ADD_FAILURE() << "no " << kind;
  return {};
}

YAML::Node container(const YAML::Node& deployment) {
  return deployment["spec"]["template"]["spec"]["containers"][0];
}

std::vector<std::string> args_of(const YAML::Node& c) { return c["args"].as<std::vector<std::string>>(); }

std::string value_after(const std::vector<std::string>& args, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == flag) return args[i + 1];
  ADD_FAILURE() << flag << " not in args";
  return {};
}

int container_port(const YAML::Node& c, const std::string& name) {
  for (const auto& p : c["ports"])
    if (p["name"].as<std::string>() == name) return p["containerPort"].as<int>();
  ADD_FAILURE() << "no port " << name;
  return -1;
}

std::string help_text(std::vector<std::string> argv) {
  ChildProcess p(std::move(argv));
  EXPECT_TRUE(p.wait(20s));
  return p.out() + p.err();
}

// Every --long-flag in args must be one the binary documents in its --help.
void expect_known_flags(const std::vector<std::string>& args, const std::string& help,
                        const std::string& what) {
  for (const auto& a : args) {
    if (a.rfind("--", 0) != 0) continue;
    EXPECT_TRUE(std::regex_search(help, std::regex(a + "\\b")))
        << what << ": " << a << " is not a flag of the binary";
  }
}

const std::string& cicada_help() {
  static const std::string text = help_text({binary("apps/cicada/cicada").string(), "--help"});
  return text;
}
const std::string& model_help() {
  static const std::string text =
      help_text({binary("apps/cicada-model/cicada-model").string(), "serve", "--help"});
  return text;
}

TEST(Kubernetes, MasterAndWorkersAgreeOnThePortAndTheService) {
  const auto master_docs = docs("deploy/kubernetes/cicada-master.yaml");
  const auto master = find_kind(master_docs, "Deployment");
  const auto service = find_kind(master_docs, "Service");
  const auto args = args_of(container(master));
  EXPECT_NE(std::find(args.begin(), args.end(), "--master"), args.end());
  EXPECT_NE(std::find(args.begin(), args.end(), "--headless"), args.end());  // --master needs it
  const int bind_port = std::stoi(value_after(args, "--master-bind-port"));
  EXPECT_EQ(bind_port, 5557);
  EXPECT_EQ(container_port(container(master), "zmq"), bind_port);
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"].as<std::string>(), "zmq");
  const int service_port = service["spec"]["ports"][0]["port"].as<int>();
  // The selector must pick the master pods.
  for (const auto& kv : service["spec"]["selector"])
    EXPECT_EQ(master["spec"]["template"]["metadata"]["labels"][kv.first.as<std::string>()].as<std::string>(),
              kv.second.as<std::string>());
  // The scenario file the master reads is the ConfigMap's key, mounted where -f points.
  const auto config = docs("deploy/kubernetes/scenario-configmap.yaml")[0];
  EXPECT_TRUE(config["data"]["scenario.yaml"]);
  EXPECT_EQ(value_after(args, "-f"), "/scenario/scenario.yaml");
  EXPECT_EQ(master["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"].as<std::string>(),
            config["metadata"]["name"].as<std::string>());
  expect_known_flags(args, cicada_help(), "master");

  const auto worker = find_kind(docs("deploy/kubernetes/cicada-worker.yaml"), "Deployment");
  const auto wargs = args_of(container(worker));
  EXPECT_EQ(wargs.front(), "--worker");
  EXPECT_EQ(value_after(wargs, "--master-host"), service["metadata"]["name"].as<std::string>());
  EXPECT_EQ(std::stoi(value_after(wargs, "--master-port")), service_port);
  EXPECT_EQ(std::stoi(value_after(args, "--expect-workers")), worker["spec"]["replicas"].as<int>());
  expect_known_flags(wargs, cicada_help(), "worker");
}

TEST(Kubernetes, ModelServesWhereProbesServiceAndTheTestLook) {
  const auto all = docs("deploy/kubernetes/cicada-model.yaml");
  const auto deployment = find_kind(all, "Deployment");
  const auto c = container(deployment);
  const auto args = args_of(c);
  EXPECT_EQ(args.front(), "serve");
  const int port = std::stoi(value_after(args, "--port"));
  EXPECT_EQ(value_after(args, "--host"), "0.0.0.0");  // reachable from other pods
  EXPECT_EQ(container_port(c, "http"), port);
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/v2/health/ready");
  EXPECT_EQ(c["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/v2/health/live");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["port"].as<std::string>(), "http");
  expect_known_flags(args, model_help(), "cicada-model serve");
  const auto service = find_kind(all, "Service");
  const int service_port = service["spec"]["ports"][0]["port"].as<int>();
  const auto hpa = find_kind(all, "HorizontalPodAutoscaler");
  EXPECT_EQ(hpa["spec"]["scaleTargetRef"]["name"].as<std::string>(),
            deployment["metadata"]["name"].as<std::string>());
  EXPECT_LE(hpa["spec"]["minReplicas"].as<int>(), hpa["spec"]["maxReplicas"].as<int>());
  // The master's --host is this Service.
  const auto master = find_kind(docs("deploy/kubernetes/cicada-master.yaml"), "Deployment");
  EXPECT_EQ(value_after(args_of(container(master)), "--host"),
            "http://" + service["metadata"]["name"].as<std::string>() + ":" + std::to_string(service_port));
}

TEST(Helm, ValuesAndTemplatesAgreeWithTheCli) {
  const auto values = YAML::LoadFile(source("deploy/helm/cicada/values.yaml"));
  EXPECT_EQ(values["masterPort"].as<int>(), 5557);
  EXPECT_TRUE(YAML::Load(values["test"]["scenario"].as<std::string>())["user_types"]);
  const auto master = read_file(source("deploy/helm/cicada/templates/master.yaml"));
  const auto workers = read_file(source("deploy/helm/cicada/templates/workers.yaml"));
  const auto model = read_file(source("deploy/helm/cicada/templates/model.yaml"));
  // Both ends of the ZeroMQ link come from the one value.
  EXPECT_NE(master.find("--master-bind-port\n            - {{ .Values.masterPort | quote }}"),
            std::string::npos);
  EXPECT_NE(workers.find("--master-port\n            - {{ .Values.masterPort | quote }}"), std::string::npos);
  EXPECT_NE(master.find("--expect-workers\n            - {{ .Values.workers.replicas | quote }}"),
            std::string::npos);
  EXPECT_NE(model.find("path: /v2/health/ready"), std::string::npos);
  EXPECT_NE(model.find("path: /v2/health/live"), std::string::npos);
  std::vector<std::string> flags;
  for (const auto* text : {&master, &workers}) {
    std::smatch m;
    std::string rest = *text;
    while (std::regex_search(rest, m, std::regex("--[a-z][a-z-]+"))) {
      flags.push_back(m.str());
      rest = m.suffix();
    }
  }
  EXPECT_GT(flags.size(), 8u);
  expect_known_flags(flags, cicada_help(), "helm");
}

TEST(Containerfile, ExposesThePortsTheManifestsUse) {
  const auto text = read_file(source("deploy/Containerfile"));
  EXPECT_NE(text.find("EXPOSE 5557 8080"), std::string::npos);
  EXPECT_NE(text.find("cicada-model train --data data/heart-disease.csv --out /opt/cicada/model"),
            std::string::npos);
  // The model path the Deployment serves is the one the image bakes.
  const auto args = args_of(container(find_kind(docs("deploy/kubernetes/cicada-model.yaml"), "Deployment")));
  EXPECT_EQ(value_after(args, "--model"), "/opt/cicada/model");
}

}  // namespace
