// scripts/infra/kafka/EnsureTopics.java — readiness probe + topic bootstrap for
// the local Kafka broker, in ONE JVM (each JVM start costs seconds on a small
// machine, and TopicCommand can only create one topic per run).
//
//   java -cp '.cache/kafka/classes:.cache/kafka/libs/*' EnsureTopics \
//        <bootstrap> <timeoutSeconds> name:partitions [name:partitions ...]
//
// Waits until the broker answers a metadata request (bounded), creates the topics
// that are missing (replication factor 1), and prints one line per topic.
// Exit code 0 = broker ready and all topics exist; 1 = timeout or error.
// Compiled by scripts/infra/install.sh into .cache/kafka/classes.

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

public final class EnsureTopics {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: EnsureTopics <bootstrap> <timeoutSeconds> [name:partitions ...]");
      System.exit(2);
    }
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    Map<String, Integer> wanted = new java.util.LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      int c = args[i].lastIndexOf(':');
      wanted.put(args[i].substring(0, c), Integer.parseInt(args[i].substring(c + 1)));
    }

    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    try (Admin admin = Admin.create(p)) {
      // 1. Ready = the broker answers a metadata request.
      Set<String> existing = null;
      Exception last = null;
      while (existing == null) {
        try {
          existing = admin.listTopics(new ListTopicsOptions().timeoutMs(5000)).names().get();
        } catch (ExecutionException e) {
          last = e;
          if (System.nanoTime() > deadline) {
            System.err.println("kafka at " + bootstrap + " not ready: " + last.getCause());
            System.exit(1);
          }
          Thread.sleep(500);
        }
      }

      // 2. Create what is missing. The broker may still be electing the
      //    controller-side leaders right after start, so retry until the deadline.
      List<NewTopic> missing = new ArrayList<>();
      for (Map.Entry<String, Integer> t : wanted.entrySet()) {
        if (!existing.contains(t.getKey())) missing.add(new NewTopic(t.getKey(), t.getValue(), (short) 1));
      }
      while (!missing.isEmpty()) {
        List<NewTopic> retry = new ArrayList<>();
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> r :
            admin.createTopics(missing).values().entrySet()) {
          try {
            r.getValue().get();
            System.out.println("created " + r.getKey());
          } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) continue;
            if (System.nanoTime() > deadline) {
              System.err.println("could not create " + r.getKey() + ": " + e.getCause());
              System.exit(1);
            }
            for (NewTopic t : missing) if (t.name().equals(r.getKey())) retry.add(t);
          }
        }
        missing = retry;
        if (!missing.isEmpty()) Thread.sleep(500);
      }

      // 3. Report (and warn about a partition count that differs from the spec).
      if (!wanted.isEmpty()) {
        Map<String, TopicDescription> d = admin.describeTopics(wanted.keySet()).allTopicNames().get();
        for (Map.Entry<String, Integer> t : wanted.entrySet()) {
          int n = d.get(t.getKey()).partitions().size();
          System.out.println("topic " + t.getKey() + " partitions=" + n
              + (n != t.getValue() ? "  (WARNING: expected " + t.getValue() + ")" : ""));
        }
      }
    }
  }
}
