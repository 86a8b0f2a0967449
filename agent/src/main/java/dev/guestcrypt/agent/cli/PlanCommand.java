package dev.guestcrypt.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.guestcrypt.agent.plan.Plan;
import dev.guestcrypt.agent.plan.VolumePlan;
import dev.guestcrypt.agent.service.PlanText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Shows what 'encrypt' would do with each volume. Changes nothing.",
                "Each refused volume comes with its error code, the reason and the fix.",
                "Without options it plans the recorded desired state (/etc/guestcrypt/desired.json), or all data volumes."})
final class PlanCommand implements Callable<Integer> {
    private final CliContext context;
    @Spec
    CommandSpec spec;
    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;
    @Mixin
    FormatOptions format = new FormatOptions();
    @Option(names = "--volumes", split = ",", paramLabel = "MOUNTPOINT", description = "Only these mount points, e.g. /data,/srv.")
    java.util.List<String> volumes;

    PlanCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> request = null;
        if (volumes != null || format.erases()) {
            request = new LinkedHashMap<>();
            format.applyTo(request);
            request.put("VolumeType", "Data");
            if (volumes != null) {
                request.put("Volumes", volumes);
            }
        }
        Plan plan = context.agent().plan(request);
        var out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (VolumePlan v : plan.volumes()) {
                ObjectNode n = array.addObject();
                n.put("device", v.devicePath());
                n.put("mountPoint", v.mountPoint());
                n.put("fsType", v.fsType());
                n.put("sizeBytes", v.sizeBytes());
                n.put("action", v.action().name());
                n.put("mapperName", v.mapperName());
                n.put("expectedDowntimeSeconds", v.expectedDowntime().toSeconds());
                n.put("note", v.note());
                if (v.refusal() != null) {
                    n.put("code", v.refusal().code().id());
                    n.put("reason", v.refusal().problem());
                    n.put("fix", v.refusal().fix());
                }
            }
            out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        } else if (plan.volumes().isEmpty()) {
            out.println("no data volumes found");
        } else {
            plan.volumes().forEach(v -> out.println(PlanText.line(v)));
        }
        out.flush();
        return 0;
    }
}
