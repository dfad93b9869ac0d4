namespace AllianceMonitor.Analysis.Models;

/// <summary>The named models of the product; names and formulas are part of the public contract.</summary>
public static class ModelCatalog
{
    public static LaggedModelDefinition AllianceToSymptoms { get; } = new("alliance_to_symptoms", "alliance", "symptoms");

    public static LaggedModelDefinition SymptomsToAlliance { get; } = new("symptoms_to_alliance", "symptoms", "alliance");

    public static IReadOnlyList<LaggedModelDefinition> All { get; } = [AllianceToSymptoms, SymptomsToAlliance];

    public static LaggedModelDefinition? Find(string name) => All.FirstOrDefault(m => m.Name == name);
}
