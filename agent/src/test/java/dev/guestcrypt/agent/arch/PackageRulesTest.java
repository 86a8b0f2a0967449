package dev.guestcrypt.agent.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.guestcrypt.agent.boot.Main;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The rooms of the agent stay clean: each outside library is used in exactly one place. */
class PackageRulesTest {
    /** The agent's main classes only (the folder or jar holding the entry class), not tests or libraries. */
    private static final JavaClasses AGENT = new ClassFileImporter().importPath(mainClasses());

    private static Path mainClasses() {
        try {
            return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void jnaOnlyInTheNativeBindings() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .because("libcryptsetup and libc are reached only through native-bindings").check(AGENT);
    }

    @Test
    void azureSdkOnlyInTheKeyVaultProtector() {
        noClasses().that().resideOutsideOfPackage("dev.guestcrypt.agent.keys.keyvault..")
                .should().dependOnClassesThat().resideInAPackage("com.azure..").check(AGENT);
    }

    @Test
    void picocliOnlyInTheCli() {
        noClasses().that().resideOutsideOfPackage("dev.guestcrypt.agent.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..").check(AGENT);
    }

    @Test
    void systemExitOnlyInTheEntryClass() {
        noClasses().that().resideOutsideOfPackage("dev.guestcrypt.agent.boot..")
                .and().doNotHaveSimpleName("KeyVaultBench")
                .should().callMethod(System.class, "exit", int.class).check(AGENT);
    }

    @Test
    void pureLayersDoNotReachTheSystem() {
        noClasses().that().resideInAnyPackage("dev.guestcrypt.agent.settings..", "dev.guestcrypt.agent.inventory..",
                        "dev.guestcrypt.agent.plan..", "dev.guestcrypt.agent.status..", "dev.guestcrypt.agent.execute..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.guestcrypt.agent.os..", "dev.guestcrypt.agent.cli..",
                        "dev.guestcrypt.agent.boot..", "dev.guestcrypt.agent.keys.keyvault..")
                .check(AGENT);
    }
}
